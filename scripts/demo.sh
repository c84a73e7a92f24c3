#!/usr/bin/env bash
# make demo: the whole product against a real Auth.js server, on a fresh machine.
#
# Builds the CLI, the C library and the Python package, starts the bundled example
# server (a real next-auth v4 app in Next.js, tests/servers/v4, on a free 127.0.0.1
# port), and walks through providers -> sign in -> session -> protected route ->
# update -> sign out: first with the `authjs` CLI, then with the C example and the
# Python example. The server is stopped on exit, on failure and on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

if [ -z "${AUTHJS_TEST_V4_URL:-}" ]; then
  bold() { printf '\n\033[1m%s\033[0m\n' "$*"; }
  bold "authjs demo: building the CLI, the C library and the Python package (first run: a few minutes)"
  cargo build --release --quiet --bin authjs
  work=$(mktemp -d "${TMPDIR:-/tmp}/authjs-demo.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  bash scripts/install.sh "$work/prefix" >"$work/install.log" 2>&1 \
    || { cat "$work/install.log"; exit 1; }
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet --disable-pip-version-check ./bindings/python \
    >"$work/pip.log" 2>&1 || { cat "$work/pip.log"; exit 1; }
  bold "Starting the example Auth.js server (next-auth v4 in Next.js)"
  # with-servers.sh installs the server (npm ci, next build) if needed, starts it,
  # and stops it whatever happens to this script.
  AUTHJS_DEMO_WORK=$work bash tests/servers/with-servers.sh bash "$0"
  bold "Demo finished; the server is stopped."
  exit 0
fi

# ---- inside with-servers.sh: the server is up -----------------------------------
work=$AUTHJS_DEMO_WORK
URL=$AUTHJS_TEST_V4_URL
step() { printf '\n\033[1;34m$ %s\033[0m\n' "$*"; }
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

export AUTH_URL=$URL                      # what the CLI reads, like the JS client
export XDG_STATE_HOME=$work/state         # the CLI's cookie jar lives here
authjs() { "$ROOT/target/release/authjs" "$@"; }

say "1. The CLI (server: $URL)"
step "authjs providers"; authjs providers
step "authjs session"; authjs session
step "echo alice-password | authjs signin credentials -f username=alice --password-stdin"
echo alice-password | authjs signin credentials -f username=alice --password-stdin
step "authjs session          # a new process: the session came from the jar"
authjs session
step "authjs fetch /api/me    # a protected route of the app"
authjs fetch /api/me; echo
step "authjs update '{\"name\": \"Alice (updated)\"}'"
authjs update '{"name": "Alice (updated)"}'
step "echo wrong | authjs signin credentials -f username=alice --password-stdin   # exit 1: refused"
if echo wrong | authjs signin credentials -f username=alice --password-stdin; then
  echo "unexpected: a wrong password was accepted" >&2; exit 1
else
  echo "(exit status $?: sign-in refused)"
fi
step "authjs signout"; authjs signout
step "authjs session"; authjs session
step "authjs fetch /api/me    # now 401 (exit 15, HTTP error)"
authjs fetch /api/me || echo " (exit status $?)"

say "2. C: examples/c/signin.c, linked with pkg-config against libauthjs"
export PKG_CONFIG_PATH=$work/prefix/lib/pkgconfig
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -o "$work/signin" examples/c/signin.c \
  $(pkg-config --cflags --libs authjs) -Wl,-rpath,"$work/prefix/lib"
step "./signin $URL"; "$work/signin" "$URL"

say "3. Python: examples/python/quickstart.py, with the authjs package"
step "python examples/python/quickstart.py $URL"
"$work/venv/bin/python" examples/python/quickstart.py "$URL"
