"""One request-body contract for every front end: each case of
``tests/fixtures/request-bodies.json`` (the file ``tests/request_bodies.rs`` checks for
the Rust API and the CLI, and ``tests/c/test_bodies.c`` for C), given to
``Client.request(data=...)``, must reach the real servers' ``/api/echo`` with the type
and bytes the fixture says. The type of an untyped body is decided by the core, once, so
a ``str`` or ``bytes`` body is the same request here as from C or the CLI."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Tuple, Union

import pytest

import authjs

from conftest import Server

FIXTURE = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "request-bodies.json"


@dataclass
class Case:
    name: str
    body: bytes
    #: Text bodies are echoed byte for byte; other bytes only by type.
    text: bool
    headers: List[Tuple[str, str]]
    content_type: str


def cases() -> List[Case]:
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    out = []
    for c in fixture["cases"]:
        if "body" in c:
            body, text = c["body"].encode("utf-8"), True
        else:
            body, text = bytes.fromhex(c["bodyHex"]), False
        out.append(
            Case(
                name=c["name"],
                body=body,
                text=text,
                headers=[(k, v) for k, v in c.get("headers", [])],
                content_type=c["contentType"],
            )
        )
    assert out, f"no cases in {FIXTURE}"
    return out


CASES = cases()


def forms(case: Case) -> List[Union[str, bytes, bytearray]]:
    """Every Python spelling of the case's body: the same bytes, the same request."""
    spellings: List[Union[str, bytes, bytearray]] = [case.body, bytearray(case.body)]
    if case.text:
        spellings.append(case.body.decode("utf-8"))
    return spellings


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixture_bodies(http_server: Server, case: Case) -> None:
    with http_server.signed_in() as c:
        for data in forms(case):
            who = f"{http_server.name}: {case.name} as {type(data).__name__}"
            r = c.request("POST", "/api/echo", data=data, headers=case.headers)
            assert r.status == 200, who
            echo: Any = r.json()
            assert echo["method"] == "POST", who
            assert echo["contentType"] == case.content_type, who
            if case.text:
                assert echo["body"].encode("utf-8") == case.body, who


def test_header_mapping_is_passed_through(http_server: Server) -> None:
    """Headers as a mapping are the same as pairs: passed to the core unchanged, so a
    ``Content-Type`` header types a form-looking text body as a form."""
    with http_server.signed_in() as c:
        echo = c.request(
            "POST",
            "/api/echo",
            data="a=1&b=2",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ).json()
    assert echo == {
        "method": "POST",
        "contentType": "application/x-www-form-urlencoded",
        "body": "a=1&b=2",
    }
