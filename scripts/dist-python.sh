#!/usr/bin/env bash
# Builds the Python distributions of authjs into ${AUTHJS_DIST_DIR:-dist}/:
#
#   authjs-$VERSION.tar.gz                     the sdist (maturin sdist of bindings/python)
#   authjs-$VERSION-cp39-abi3-<platform>.whl   the abi3 wheel, built FROM that sdist
#
# The wheel is built from the unpacked sdist, never from the checkout, so a successful run
# proves that the sdist builds from itself. Release mode, stripped, abi3 (CPython >= 3.9),
# linked with zig against glibc 2.17 stubs: manylinux2014 (manylinux_2_17), which
# maturin's audit of the extension's symbol versions confirms or refuses
# (docs/packaging.md, "Python wheel and sdist", says why and what it costs).
# AUTHJS_PY_COMPAT=native links with the system toolchain instead: no zig download, and
# the tag is then what this machine's glibc allows (manylinux_2_34 on Debian 12).
# `twine check` then validates both files' metadata and that the README renders.
#
# Needs: python3 (>= 3.9, with venv), cargo/rustc, network access to PyPI the first time
# (maturin, twine, trove-classifiers and ziglang, pinned, go into a private venv:
# $CARGO_TARGET_DIR/dist-venv; ziglang is 410 MB installed). No test server. Reuses
# $CARGO_TARGET_DIR (default: ./target) as the build cache.
#
#   bash scripts/dist-python.sh
#
# The wheel's contents and a clean-venv install are checked by scripts/dist-check-python.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { echo "dist-python.sh: $*" >&2; }

# Pinned tools (maturin as in scripts/test-python.sh).
MATURIN_VERSION="1.16.0"
TWINE_VERSION="7.0.0"
# PyPI's list of classifiers: an unknown one would be refused at upload.
TROVE_VERSION="2026.9.21.13"
# zig as the linker (maturin --zig): glibc 2.17 stubs, so the wheel is manylinux2014.
ZIGLANG_VERSION="0.17.0"
COMPAT="${AUTHJS_PY_COMPAT:-manylinux2014}"
case "$COMPAT" in
  manylinux2014) ;;
  native) ;;
  *)
    log "AUTHJS_PY_COMPAT=$COMPAT: use manylinux2014 (the default, with zig) or native"
    exit 2
    ;;
esac

VERSION="$(sed -n 's/^version = "\([^"]*\)"/\1/p' Cargo.toml | head -n 1)"
if [ -z "$VERSION" ]; then
  log "cannot read the version from Cargo.toml ([workspace.package] version)"
  exit 1
fi
DIST="${AUTHJS_DIST_DIR:-$ROOT/dist}"
mkdir -p "$DIST"
DIST="$(cd "$DIST" && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
mkdir -p "$CARGO_TARGET_DIR"
CARGO_TARGET_DIR="$(cd "$CARGO_TARGET_DIR" && pwd)"
export PIP_DISABLE_PIP_VERSION_CHECK=1

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)'; then
  log "$PYTHON is older than 3.9"
  exit 2
fi

t_all=$SECONDS
# The build venv: maturin and twine, reused across runs.
t0=$SECONDS
VENV="$CARGO_TARGET_DIR/dist-venv"
if [ ! -x "$VENV/bin/python" ]; then
  log "creating the build venv $VENV"
  "$PYTHON" -m venv "$VENV"
fi
tools=("maturin==$MATURIN_VERSION" "twine==$TWINE_VERSION" "trove-classifiers==$TROVE_VERSION")
if [ "$COMPAT" = manylinux2014 ]; then
  tools+=("ziglang==$ZIGLANG_VERSION")
fi
if ! "$VENV/bin/python" - "${tools[@]}" <<'PY'; then
import sys
from importlib.metadata import PackageNotFoundError, version

try:
    ok = all(version(name) == want for name, want in (t.split("==") for t in sys.argv[1:]))
except PackageNotFoundError:
    ok = False
sys.exit(0 if ok else 1)
PY
  "$VENV/bin/python" -m pip install -q "${tools[@]}"
fi
MATURIN="$VENV/bin/maturin"
log "build tools ready: ${tools[*]} ($((SECONDS - t0)) s)"

# Only this version's Python artefacts are replaced; the C archive and the crate
# (other scripts) stay.
SDIST="$DIST/authjs-$VERSION.tar.gz"
rm -f "$SDIST" "$DIST"/authjs-"$VERSION"-*-abi3-*.whl

# 1. The sdist.
t0=$SECONDS
"$MATURIN" sdist --manifest-path bindings/python/Cargo.toml --out "$DIST" >&2
if [ ! -f "$SDIST" ]; then
  log "maturin did not write $SDIST"
  exit 1
fi
log "sdist $(basename "$SDIST"): $(($(stat -c %s "$SDIST") / 1024)) KiB ($((SECONDS - t0)) s)"

# 2. The wheel, from the sdist. It is unpacked into a fixed directory under the target
# dir, synchronised by content: maturin stamps every file of the sdist with one fixed
# date, so extracting over an old tree would hide changed sources from cargo's mtime
# fingerprints, and a fresh path every run would rebuild the workspace crates every
# time. Here files whose content changed get a new mtime, the others keep theirs, and
# files no longer in the sdist are removed: the tree is exactly the sdist.
t0=$SECONDS
BUILD="$CARGO_TARGET_DIR/dist-python-sdist"
"$VENV/bin/python" - "$SDIST" "$BUILD" "authjs-$VERSION" <<'PY'
import filecmp, os, shutil, sys, tarfile, tempfile

sdist, dest, top = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(dest, exist_ok=True)
with tempfile.TemporaryDirectory(dir=os.path.dirname(dest)) as tmp:
    with tarfile.open(sdist) as tar:
        if sys.version_info >= (3, 12):
            tar.extractall(tmp, filter="data")
        else:
            for m in tar.getmembers():
                if not (m.isfile() or m.isdir()) or m.name.startswith("/") or ".." in m.name.split("/"):
                    sys.exit(f"unexpected member in the sdist: {m.name}")
            tar.extractall(tmp)
    src = os.path.join(tmp, top)
    if not os.path.isdir(src):
        sys.exit(f"the sdist has no top directory {top}/")
    wanted = set()
    for dirpath, _dirs, files in os.walk(src):
        for name in files:
            rel = os.path.relpath(os.path.join(dirpath, name), src)
            wanted.add(rel)
            out = os.path.join(dest, rel)
            if os.path.isfile(out) and filecmp.cmp(os.path.join(src, rel), out, shallow=False):
                continue
            os.makedirs(os.path.dirname(out), exist_ok=True)
            shutil.copyfile(os.path.join(src, rel), out)  # new mtime: cargo sees the change
            shutil.copymode(os.path.join(src, rel), out)
    for dirpath, dirs, files in os.walk(dest, topdown=False):
        for name in files:
            path = os.path.join(dirpath, name)
            if os.path.relpath(path, dest) not in wanted:
                os.remove(path)
        if dirpath != dest and not os.listdir(dirpath):
            os.rmdir(dirpath)
PY
# The sdist's pyproject.toml is at its top and names the manifest (bindings/python).
if [ "$COMPAT" = manylinux2014 ]; then
  compat_args=(--zig --compatibility manylinux2014)
else
  compat_args=()
fi
(
  cd "$BUILD"
  # maturin runs zig as `python -m ziglang` with the python it finds first on PATH.
  PATH="$VENV/bin:$PATH" "$MATURIN" build --release --strip "${compat_args[@]}" --out "$DIST" >&2
)
shopt -s nullglob
wheels=("$DIST"/authjs-"$VERSION"-cp39-abi3-*.whl)
shopt -u nullglob
if [ "${#wheels[@]}" -ne 1 ]; then
  log "expected one authjs-$VERSION-cp39-abi3-*.whl in $DIST, found ${#wheels[@]}"
  exit 1
fi
WHEEL="${wheels[0]}"
log "wheel $(basename "$WHEEL"): $(($(stat -c %s "$WHEEL") / 1024)) KiB ($((SECONDS - t0)) s, from the sdist, $COMPAT)"

# 3. The metadata PyPI would see, and the README rendered as PyPI renders it.
t0=$SECONDS
"$VENV/bin/twine" check --strict "$SDIST" "$WHEEL" >&2
"$VENV/bin/python" - "$WHEEL" <<'PY'
import sys, zipfile
from email.parser import HeaderParser
from trove_classifiers import classifiers

with zipfile.ZipFile(sys.argv[1]) as whl:
    name = next(n for n in whl.namelist() if n.endswith(".dist-info/METADATA"))
    meta = HeaderParser().parsestr(whl.read(name).decode())
unknown = [c for c in meta.get_all("Classifier", []) if c not in classifiers]
if unknown:
    sys.exit(f"dist-python.sh: classifiers PyPI does not know: {unknown}")
PY
log "twine check --strict, classifiers: $((SECONDS - t0)) s"

log "done in $((SECONDS - t_all)) s: $SDIST $WHEEL"
