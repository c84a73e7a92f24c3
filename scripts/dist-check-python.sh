#!/usr/bin/env bash
# Checks the Python distributions that scripts/dist-python.sh wrote into
# ${AUTHJS_DIST_DIR:-dist}/, one line per check, and exits non-zero when any fails:
#
#   - the wheel: its tag (cp39-abi3; manylinux2014 and at most glibc 2.17 symbol versions
#     in the extension, unless AUTHJS_PY_COMPAT=native), its files (the package's
#     .py/.pyi/py.typed, the one extension, the .dist-info; nothing else), Metadata
#     Version = the Cargo.toml version,
#     both license files, an extension without libauthjs's C symbols or soname, and
#     abi3audit (the extension uses only the limited API of CPython 3.9);
#   - the sdist: its version, its license files, the sources it builds from;
#   - a clean environment: a brand-new venv of the system python3 with no cargo or rustc
#     on PATH installs the wheel file alone (no index, binaries only: nothing can be
#     built), runs examples/python/quickstart.py from outside the repository against the
#     real v4 test server, and `mypy --strict` checks examples/python/typed_usage.py
#     against the stubs of the installed wheel (not the source tree).
#
# Needs: the test servers' environment (AUTHJS_TEST_V4_URL), so run it under the launcher:
#
#   bash scripts/dist-python.sh
#   bash tests/servers/with-servers.sh bash scripts/dist-check-python.sh
#
# and python3 (>= 3.9, with venv), binutils (nm, readelf, objdump), network access to
# PyPI (abi3audit and mypy, pinned; abi3audit goes into $CARGO_TARGET_DIR/dist-check-venv).
# Exit 2: the servers' variables or the artefacts are missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { echo "dist-check-python.sh: $*" >&2; }

# Pinned tools.
ABI3AUDIT_VERSION="0.0.26"
MYPY_VERSION="2.4.1" # as in scripts/test-python.sh

if [ -z "${AUTHJS_TEST_V4_URL:-}" ]; then
  log "AUTHJS_TEST_V4_URL is not set: run this under the server launcher:"
  log "  bash tests/servers/with-servers.sh bash scripts/dist-check-python.sh"
  exit 2
fi

VERSION="$(sed -n 's/^version = "\([^"]*\)"/\1/p' Cargo.toml | head -n 1)"
if [ -z "$VERSION" ]; then
  log "cannot read the version from Cargo.toml ([workspace.package] version)"
  exit 1
fi
DIST="${AUTHJS_DIST_DIR:-$ROOT/dist}"
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export PIP_DISABLE_PIP_VERSION_CHECK=1

SDIST="$DIST/authjs-$VERSION.tar.gz"
shopt -s nullglob
wheels=("$DIST"/authjs-"$VERSION"-cp39-abi3-*.whl)
shopt -u nullglob
if [ ! -f "$SDIST" ] || [ "${#wheels[@]}" -ne 1 ]; then
  log "$DIST needs authjs-$VERSION.tar.gz and exactly one authjs-$VERSION-cp39-abi3-*.whl"
  log "(found: $(cd "$DIST" 2>/dev/null && ls -d authjs-"$VERSION"* 2>/dev/null | tr '\n' ' ' || echo none));"
  log "scripts/dist-python.sh makes them: bash scripts/dist-python.sh"
  exit 2
fi
WHEEL="${wheels[0]}"

failures=0
pass() { echo "ok:   $*"; }
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

t_all=$SECONDS
WORK="$(mktemp -d "${TMPDIR:-/tmp}/authjs-dist-check-python.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# Tools for the checks that do not install the package: a venv of their own, reused.
PYTHON="${PYTHON:-python3}"
TOOLS="$CARGO_TARGET_DIR/dist-check-venv"
t0=$SECONDS
if [ ! -x "$TOOLS/bin/python" ]; then
  "$PYTHON" -m venv "$TOOLS"
fi
if ! "$TOOLS/bin/python" -c 'import sys; from importlib.metadata import version; sys.exit(version("abi3audit") != sys.argv[1])' \
  "$ABI3AUDIT_VERSION" 2>/dev/null; then
  "$TOOLS/bin/python" -m pip install -q "abi3audit==$ABI3AUDIT_VERSION"
fi
log "tools ready: abi3audit $ABI3AUDIT_VERSION ($((SECONDS - t0)) s)"

# 1. The wheel, unpacked: its tag, files and metadata. scripts/dist-python.sh builds
# manylinux2014 (with zig) unless AUTHJS_PY_COMPAT=native, whose tag this machine's
# glibc decides.
case "${AUTHJS_PY_COMPAT:-manylinux2014}" in
  manylinux2014) EXPECTED_PLATFORM="manylinux2014_x86_64" GLIBC_MAX="2.17" ;;
  *) EXPECTED_PLATFORM="" GLIBC_MAX="" ;;
esac
t0=$SECONDS
UNPACKED="$WORK/wheel"
"$TOOLS/bin/python" - "$WHEEL" "$UNPACKED" "$VERSION" "$ROOT/bindings/python/README.md" "$EXPECTED_PLATFORM" <<'PY' || failures=$((failures + $?))
import fnmatch, sys, zipfile
from email.parser import HeaderParser

wheel, dest, version, readme = sys.argv[1:5]
failures = 0


def check(ok, what):
    global failures
    print(("ok:   " if ok else "FAIL: ") + what)
    failures += not ok


info = f"authjs-{version}.dist-info"
allowed = [
    "authjs/*.py",
    "authjs/*.pyi",
    "authjs/py.typed",
    "authjs/_authjs.abi3.so",
    f"{info}/METADATA",
    f"{info}/WHEEL",
    f"{info}/RECORD",
    f"{info}/entry_points.txt",
    f"{info}/licenses/LICENSE-MIT",
    f"{info}/licenses/LICENSE-APACHE",
    # PEP 770: the Rust crates compiled into the extension (CycloneDX, by maturin).
    f"{info}/sboms/authjs-python.cyclonedx.json",
]
with zipfile.ZipFile(wheel) as whl:
    names = whl.namelist()
    whl.extractall(dest)
    read = lambda n: whl.read(n).decode() if n in names else ""
    # fnmatch's * crosses '/': authjs/*.py must not admit authjs/sub/x.py.
    stray = [n for n in names if not any(fnmatch.fnmatch(n, p) and n.count("/") == p.count("/") for p in allowed)]
    check(not stray, f"wheel files: {len(names)}, none outside the package and its .dist-info" + (f" (stray: {stray})" if stray else ""))
    for required in ("authjs/__init__.py", "authjs/_authjs.pyi", "authjs/py.typed", "authjs/_authjs.abi3.so",
                     f"{info}/licenses/LICENSE-MIT", f"{info}/licenses/LICENSE-APACHE", f"{info}/entry_points.txt"):
        check(required in names, f"wheel has {required}")
    check(sum(n.endswith(".so") for n in names) == 1, "wheel has exactly one shared object (the extension)")

    meta = HeaderParser().parsestr(read(f"{info}/METADATA"))
    check(meta.get("Version") == version, f"METADATA Version {meta.get('Version')} = Cargo.toml version {version}")
    check(meta.get("Name") == "authjs", f"METADATA Name {meta.get('Name')}")
    check(meta.get("Requires-Python") == ">=3.9", f"METADATA Requires-Python {meta.get('Requires-Python')}")
    check(meta.get("License-Expression") == "MIT OR Apache-2.0", f"METADATA License-Expression {meta.get('License-Expression')}")
    lic = sorted(meta.get_all("License-File") or [])
    check(lic == ["LICENSE-APACHE", "LICENSE-MIT"], f"METADATA License-File {lic}")
    urls = meta.get_all("Project-URL") or []
    check(any(u.endswith("https://github.com/authjs-native/authjs") for u in urls), f"METADATA Project-URL: {len(urls)} URLs, the repository among them")
    with open(readme, encoding="utf-8") as f:
        page = f.read()
    check(meta.get("Description-Content-Type", "").startswith("text/markdown") and meta.get_payload().strip() == page.strip(),
          "METADATA description is bindings/python/README.md (markdown)")

    wh = HeaderParser().parsestr(read(f"{info}/WHEEL"))
    tags = wh.get_all("Tag") or []
    # One tag per platform alias (manylinux2014 is also manylinux_2_17); the file name
    # joins the platforms with dots.
    platforms = [t[len("cp39-abi3-"):] for t in tags if t.startswith("cp39-abi3-")]
    check(tags and len(platforms) == len(tags) and wheel.endswith(f"-cp39-abi3-{'.'.join(platforms)}.whl"),
          f"WHEEL Tag {tags} (cp39-abi3, as in the file name)")
    expected = sys.argv[5] if len(sys.argv) > 5 else ""
    check(not expected or expected in platforms, f"platform tag {expected or '(any)'} among {platforms}")
    check(wh.get("Root-Is-Purelib") == "false", f"WHEEL Root-Is-Purelib {wh.get('Root-Is-Purelib')}")
    ep = read(f"{info}/entry_points.txt")
    check("[pytest11]" in ep and "authjs.pytest_plugin" in ep, "entry_points.txt: the pytest11 plugin")
sys.exit(min(failures, 100))
PY

EXT="$UNPACKED/authjs/_authjs.abi3.so"
if [ -f "$EXT" ]; then
  if nm -D --defined-only "$EXT" | grep -q ' authjs_'; then
    fail "the extension exports authjs_* C symbols"
  else
    pass "the extension exports no authjs_* C symbols (only $(nm -D --defined-only "$EXT" | awk '{print $3}' | tr '\n' ' '))"
  fi
  if readelf -d "$EXT" | grep -q 'libauthjs'; then
    fail "the extension names libauthjs (soname or NEEDED)"
  else
    pass "the extension has no libauthjs soname and needs no libauthjs ($(readelf -d "$EXT" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' '))"
  fi
  # The glibc versions the extension needs, independently of maturin's own audit.
  glibc_max="$(objdump -T "$EXT" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n 1)"
  if [ -z "$GLIBC_MAX" ]; then
    pass "the extension needs glibc $glibc_max at most"
  elif [ "$(printf '%s\n%s\n' "$glibc_max" "$GLIBC_MAX" | sort -V | tail -n 1)" = "$GLIBC_MAX" ]; then
    pass "the extension needs glibc $glibc_max at most (manylinux2014 allows $GLIBC_MAX)"
  else
    fail "the extension needs glibc $glibc_max, newer than manylinux2014's $GLIBC_MAX"
  fi
  if readelf -S "$EXT" | grep -q '\.debug_'; then
    fail "the extension carries debug sections (not stripped)"
  else
    pass "the extension is stripped"
  fi
fi
if "$TOOLS/bin/abi3audit" --strict "$WHEEL" >"$WORK/abi3audit.log" 2>&1; then
  pass "abi3audit --strict: no abi3 violation, no ABI version mismatch (limited API of 3.9)"
else
  cat "$WORK/abi3audit.log"
  fail "abi3audit --strict"
fi
log "wheel checks: $((SECONDS - t0)) s"

# 2. The sdist: what the wheel was built from (scripts/dist-python.sh builds it there).
t0=$SECONDS
"$TOOLS/bin/python" - "$SDIST" "$VERSION" "$ROOT/bindings/python/README.md" <<'PY' || failures=$((failures + $?))
import sys, tarfile
from email.parser import HeaderParser

sdist, version, readme = sys.argv[1:]
top = f"authjs-{version}"
failures = 0


def check(ok, what):
    global failures
    print(("ok:   " if ok else "FAIL: ") + what)
    failures += not ok


with tarfile.open(sdist) as tar:
    names = set(tar.getnames())
    check(all(n == top or n.startswith(top + "/") for n in names), f"sdist: {len(names)} files, all under {top}/")
    for f in ("PKG-INFO", "pyproject.toml", "LICENSE-MIT", "LICENSE-APACHE", "Cargo.toml", "Cargo.lock",
              "bindings/python/Cargo.toml", "python/authjs/__init__.py", "python/authjs/_authjs.pyi",
              "python/authjs/py.typed"):
        check(f"{top}/{f}" in names, f"sdist has {f}")
    pkg = HeaderParser().parsestr(tar.extractfile(f"{top}/PKG-INFO").read().decode()) if f"{top}/PKG-INFO" in names else {}
    check(pkg.get("Version") == version, f"sdist PKG-INFO Version {pkg.get('Version')} = {version}")
    with open(readme, encoding="utf-8") as f:
        page = f.read()
    check(pkg and pkg.get_payload().strip() == page.strip(), "sdist PKG-INFO description is bindings/python/README.md")
sys.exit(min(failures, 100))
PY
log "sdist checks: $((SECONDS - t0)) s"

# 3. A clean environment: no Rust toolchain, no index, the wheel file alone.
t0=$SECONDS
# The system python3 (Debian's), not a development interpreter of this machine.
SYS_PYTHON="${AUTHJS_SYSTEM_PYTHON:-/usr/bin/python3}"
[ -x "$SYS_PYTHON" ] || SYS_PYTHON="$(command -v python3)"
mkdir "$WORK/cwd"
CLEAN_PATH=""
IFS=: read -r -a path_dirs <<<"$PATH"
for d in "${path_dirs[@]}"; do
  [ -n "$d" ] && [ -d "$d" ] || continue
  if [ -e "$d/cargo" ] || [ -e "$d/rustc" ] || [ -e "$d/rustup" ] || [ -e "$d/maturin" ]; then
    continue
  fi
  CLEAN_PATH="${CLEAN_PATH:+$CLEAN_PATH:}$d"
done
# Everything runs from a directory outside the repository, with no Python or Rust
# variables of this shell (PYTHONPATH, MYPYPATH, CARGO_*, RUSTUP_*, VIRTUAL_ENV).
clean() {
  (cd "$WORK/cwd" && env -u PYTHONPATH -u PYTHONHOME -u MYPYPATH -u VIRTUAL_ENV -u CARGO_TARGET_DIR \
    -u CARGO_HOME -u RUSTUP_HOME -u RUSTUP_TOOLCHAIN PATH="$CLEAN_PATH" "$@")
}
if clean bash -c 'command -v cargo || command -v rustc || command -v maturin' >/dev/null; then
  fail "cargo, rustc or maturin is still on the clean PATH: $(clean bash -c 'command -v cargo rustc maturin' | tr '\n' ' ')"
else
  pass "no cargo, rustc or maturin on the clean PATH"
fi
VENV="$WORK/venv"
clean "$SYS_PYTHON" -m venv "$VENV"
PY="$VENV/bin/python"
if clean "$PY" -m pip install -q --no-index --only-binary :all: --no-cache-dir "$WHEEL"; then
  pass "pip install --no-index --only-binary :all: $(basename "$WHEEL") into a new venv of $SYS_PYTHON ($("$PY" -c 'import platform; print(platform.python_version())'))"
else
  fail "pip install of the wheel into a new venv"
fi
where="$(clean "$PY" -c 'import authjs, authjs._authjs as m, importlib.metadata as md; print(authjs.__version__, md.version("authjs"), m.__file__)' 2>&1)" || true
case "$where" in
  "$VERSION $VERSION $VENV/lib/python"*"/site-packages/authjs/_authjs.abi3.so")
    pass "import authjs: authjs.__version__ and the installed metadata $VERSION, the extension from the venv's site-packages" ;;
  *) fail "import authjs in the clean venv: $where" ;;
esac
log "clean venv and install: $((SECONDS - t0)) s"

t0=$SECONDS
if out="$(clean "$PY" "$ROOT/examples/python/quickstart.py" "$AUTHJS_TEST_V4_URL" 2>&1)"; then
  if grep -q '^signed in as ' <<<"$out" && grep -q '^GET /api/me -> 200 ' <<<"$out" &&
    grep -qx 'signed out: True' <<<"$out"; then
    pass "examples/python/quickstart.py against $AUTHJS_TEST_V4_URL: signed in, GET /api/me 200, signed out"
  else
    echo "$out"
    fail "examples/python/quickstart.py: unexpected output"
  fi
else
  echo "$out"
  fail "examples/python/quickstart.py exited non-zero"
fi
log "quickstart: $((SECONDS - t0)) s"

# mypy --strict on the typed example, seeing only the installed wheel: no MYPYPATH, run
# from outside the repository, and its log must show authjs parsed from site-packages.
t0=$SECONDS
if clean "$PY" -m pip install -q "mypy==$MYPY_VERSION"; then
  if clean "$PY" -m mypy --strict --no-incremental --cache-dir "$WORK/mypy-cache" -v \
    "$ROOT/examples/python/typed_usage.py" >"$WORK/mypy.out" 2>"$WORK/mypy.log"; then
    pass "mypy --strict examples/python/typed_usage.py: $(tail -n 1 "$WORK/mypy.out")"
  else
    cat "$WORK/mypy.out"
    fail "mypy --strict examples/python/typed_usage.py"
  fi
  site="$("$PY" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"
  if grep -q "Parsing $site/authjs/__init__.py (authjs)" "$WORK/mypy.log" &&
    grep -q "Parsing $site/authjs/_authjs.pyi (authjs._authjs)" "$WORK/mypy.log" &&
    ! grep -q "Parsing $ROOT/bindings" "$WORK/mypy.log"; then
    pass "mypy read authjs and the _authjs stubs from the wheel in $site, nothing from bindings/python"
  else
    grep 'Parsing .*authjs' "$WORK/mypy.log" || true
    fail "mypy did not resolve authjs from the venv's site-packages"
  fi
else
  fail "pip install mypy==$MYPY_VERSION"
fi
log "mypy --strict: $((SECONDS - t0)) s"

if [ "$failures" -ne 0 ]; then
  log "$failures check(s) failed ($((SECONDS - t_all)) s)"
  exit 1
fi
log "all checks passed ($((SECONDS - t_all)) s)"
