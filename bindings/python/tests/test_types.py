"""The value types, without a server."""

from __future__ import annotations

import datetime as dt

import pytest

import authjs


def session(raw: dict) -> authjs.Session:  # type: ignore[type-arg]
    u = raw.get("user") or {}
    user = authjs.User(
        name=u.get("name"),
        email=u.get("email"),
        image=u.get("image"),
        extra={k: v for k, v in u.items() if k not in ("name", "email", "image")},
    )
    return authjs.Session(raw, user, raw.get("expires"))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-12-27T10:00:00.000Z", dt.datetime(2026, 12, 27, 10, tzinfo=dt.timezone.utc)),
        ("2026-12-27T10:00:00Z", dt.datetime(2026, 12, 27, 10, tzinfo=dt.timezone.utc)),
        (
            "2026-12-27T10:00:00.5+02:00",
            dt.datetime(
                2026, 12, 27, 10, 0, 0, 500000, tzinfo=dt.timezone(dt.timedelta(hours=2))
            ),
        ),
        ("2026-12-27T10:00:00", dt.datetime(2026, 12, 27, 10, tzinfo=dt.timezone.utc)),
        ("not a date", None),
        (None, None),
    ],
)
def test_expires_parsing(text: "str | None", expected: "dt.datetime | None") -> None:
    s = session({"user": {"name": "A"}, "expires": text})
    assert s.expires == expected
    if s.expires is not None:
        assert s.expires.tzinfo is not None


def test_session_mapping_and_equality() -> None:
    raw = {
        "user": {"name": "A", "email": None, "id": 7},
        "expires": "2026-12-27T10:00:00.000Z",
        "role": "admin",
    }
    s = session(raw)
    assert s.user == authjs.User(name="A", extra={"id": 7})
    assert s.user.email is None and s.user.image is None
    assert s["role"] == "admin" and s.get("x", 1) == 1
    assert set(s) == {"user", "expires", "role"} and len(s) == 3
    assert s.extra == {"role": "admin"}
    assert s.to_dict() == raw and s.to_dict() is not raw
    assert s == session(dict(raw))
    assert s != session({**raw, "role": "user"})
    assert s != raw  # a Session is not equal to a plain dict
    with pytest.raises(KeyError):
        s["missing"]
    with pytest.raises(TypeError):
        hash(s)
    r = repr(s)
    assert "User(name='A'" in r and "admin" in r


def test_value_types_repr_and_equality() -> None:
    a = authjs.SignInResponse(ok=True, status=200, url="https://h/cb?token=secret#frag")
    assert a == authjs.SignInResponse(ok=True, status=200, url="https://h/cb?token=secret#frag")
    assert "secret" not in repr(a) and "https://h/cb" in repr(a)
    out = authjs.SignOutResponse(url="https://h/?x=1")
    assert "x=1" not in repr(out)
    p = authjs.Provider("github", "GitHub", "oauth", "s", "c")
    assert p == authjs.Provider("github", "GitHub", "oauth", "s", "c") and hash(p)
    with pytest.raises(AttributeError):
        p.id = "x"  # type: ignore[misc]
    r = authjs.Response(200, {"content-type": "application/json"}, b'{"a": 1}')
    assert r.json() == {"a": 1} and r.text == '{"a": 1}' and r.ok
    assert r.header("Content-Type") == "application/json" and r.header("x") is None
    assert r == authjs.Response(200, {"content-type": "application/json"}, b'{"a": 1}')
    assert repr(r) == "Response(status=200, content_type='application/json', bytes=8)"
    bad = authjs.Response(502, {}, b"<html>")
    with pytest.raises(authjs.ProtocolError) as info:
        bad.json()
    assert info.value.status == 502 and info.value.body_excerpt == "<html>"


def test_reprs_redact_urls_the_core_way() -> None:
    """URLs in reprs go through the core's redaction (one rule for every front end):
    user info, query and fragment are credentials and never shown."""
    a = authjs.SignInResponse(ok=True, status=200, url="https://user:pw-secret@h/cb?token=t1")
    assert "pw-secret" not in repr(a) and "t1" not in repr(a)
    assert "https://<redacted>@h/cb?<redacted>" in repr(a)
    out = authjs.SignOutResponse(url="/after#frag-secret")
    assert repr(out) == "SignOutResponse(url='/after#<redacted>')"
    assert repr(authjs.SignOutResponse(url="https://h/")) == "SignOutResponse(url='https://h/')"
    # A repr never raises, not even for text that is not valid UTF-8.
    assert "secret" not in repr(authjs.SignOutResponse(url="https://h/\ud800?secret"))


def test_timeout_default_is_the_cores() -> None:
    """``Client(timeout=)`` defaults to the core's value (the documented 30 s), read from
    the extension rather than written again here."""
    import inspect

    from authjs import _authjs

    default = inspect.signature(authjs.Client).parameters["timeout"].default
    assert default == _authjs.DEFAULT_TIMEOUT == 30.0
