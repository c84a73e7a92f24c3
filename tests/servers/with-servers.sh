#!/usr/bin/env bash
# Starts the Auth.js test servers, runs CMD [ARGS...] against them, stops them.
#
#   bash tests/servers/with-servers.sh CMD [ARGS...]
#
# Servers (all on 127.0.0.1, free ports picked at run time):
#   v4      next-auth 4 in a Next.js pages-router app   AUTHJS_TEST_V4_URL      (http)
#   v5      @auth/express on Express 5                  AUTHJS_TEST_V5_URL      (http)
#   v5-tls  the same v5 server over https               AUTHJS_TEST_V5_TLS_URL  (https)
# Also exported: AUTHJS_TEST_CA (PEM of the CA that signed the https certificate),
# AUTHJS_TEST_V4_MAIL_DIR, AUTHJS_TEST_V5_MAIL_DIR, AUTHJS_TEST_V5_TLS_MAIL_DIR
# (magic links land in <dir>/<email>.txt), AUTHJS_TEST_LOG_DIR (server logs).
# Exits with CMD's status; on failure it prints the tail of each server log.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
V4_DIR="$HERE/v4"
V5_DIR="$HERE/v5"
READY_TIMEOUT_S="${AUTHJS_TEST_READY_TIMEOUT:-60}"

if [ "$#" -lt 1 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

for tool in node npm openssl curl setsid flock; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "with-servers.sh: '$tool' is required but not installed" >&2
    exit 2
  fi
done

export NEXT_TELEMETRY_DISABLED=1

log() { echo "with-servers.sh: $*" >&2; }

# ---------------------------------------------------------------------------
# Dependencies and the Next build (serialised between concurrent launchers)
# ---------------------------------------------------------------------------
exec 9>"$HERE/.setup.lock"
flock 9

ensure_deps() { # dir marker -> 0 if npm ci ran
  local dir="$1" marker="$2"
  if [ ! -f "$dir/node_modules/$marker" ] || [ ! -f "$dir/node_modules/.package-lock.json" ] \
    || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    log "npm ci in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2
    return 0
  fi
  return 1
}

need_build=0
if ensure_deps "$V4_DIR" next/dist/bin/next; then need_build=1; fi
ensure_deps "$V5_DIR" @auth/express/index.js || true

if [ ! -f "$V4_DIR/.next/BUILD_ID" ]; then
  need_build=1
elif [ -n "$(find "$V4_DIR/pages" "$V4_DIR/lib" "$V4_DIR/next.config.mjs" \
  "$V4_DIR/package.json" "$V4_DIR/package-lock.json" "$HERE/common" \
  -newer "$V4_DIR/.next/BUILD_ID" -print -quit)" ]; then
  need_build=1
fi
if [ "$need_build" = 1 ]; then
  log "next build in $V4_DIR"
  (cd "$V4_DIR" && node node_modules/next/dist/bin/next build) >&2
fi

flock -u 9
exec 9>&-

# ---------------------------------------------------------------------------
# Temp dir, cleanup
# ---------------------------------------------------------------------------
TMP_DIR="$(mktemp -d "${TMPDIR:-/tmp}/authjs-servers.XXXXXXXX")"
PIDS=()
NAMES=()
CMD_PID=""

stop_servers() {
  local i pid deadline
  for pid in "${PIDS[@]}"; do
    # Each server leads its own process group (setsid): end the whole group.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  deadline=$((SECONDS + 10))
  for pid in "${PIDS[@]}"; do
    while kill -0 -- "-$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
      sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}

cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  if [ -n "$CMD_PID" ] && kill -0 "$CMD_PID" 2>/dev/null; then
    kill -TERM "$CMD_PID" 2>/dev/null
  fi
  stop_servers
  rm -rf "$TMP_DIR"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------
# CA and server certificate for 127.0.0.1 / localhost
# ---------------------------------------------------------------------------
CERT_DIR="$TMP_DIR/tls"
mkdir -p "$CERT_DIR"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$CERT_DIR/ca.key" -out "$CERT_DIR/ca.pem" -days 2 \
  -subj "/CN=authjs test CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "subjectKeyIdentifier=hash" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$CERT_DIR/server.key" -out "$CERT_DIR/server.csr" \
  -subj "/CN=127.0.0.1" 2>/dev/null
cat >"$CERT_DIR/server.ext" <<'EOF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EOF
openssl x509 -req -in "$CERT_DIR/server.csr" -CA "$CERT_DIR/ca.pem" -CAkey "$CERT_DIR/ca.key" \
  -set_serial "0x$(openssl rand -hex 16)" -days 2 -extfile "$CERT_DIR/server.ext" \
  -out "$CERT_DIR/server.pem" 2>/dev/null

# ---------------------------------------------------------------------------
# Ports and servers
# ---------------------------------------------------------------------------
read -r P_V4 P_V5 P_V5_TLS < <(node -e '
const net = require("net");
const servers = [0, 1, 2].map(() => net.createServer());
Promise.all(servers.map((s) => new Promise((ok, ko) => { s.once("error", ko); s.listen(0, "127.0.0.1", ok); })))
  .then(() => { console.log(servers.map((s) => s.address().port).join(" ")); servers.forEach((s) => s.close()); });
')
if [ -z "${P_V5_TLS:-}" ]; then
  log "could not pick free ports"
  exit 1
fi

# Variables that would change how the libraries see their own URL.
CLEAN_ENV=(-u AUTH_URL -u NEXTAUTH_URL -u NEXTAUTH_URL_INTERNAL -u AUTH_TRUST_HOST -u VERCEL
  -u VERCEL_URL -u CF_PAGES -u AUTH_SECRET -u NEXTAUTH_SECRET -u TLS_CERT -u TLS_KEY -u PORT
  -u AUTH_REDIRECT_PROXY_URL -u NODE_OPTIONS)

start_server() { # name dir cmd...
  local name="$1" dir="$2"
  shift 2
  (cd "$dir" && exec setsid "$@") >"$TMP_DIR/$name.log" 2>&1 </dev/null &
  PIDS+=("$!")
  NAMES+=("$name")
}

MAIL_V4="$TMP_DIR/mail-v4"
MAIL_V5="$TMP_DIR/mail-v5"
MAIL_V5_TLS="$TMP_DIR/mail-v5-tls"
mkdir -p "$MAIL_V4" "$MAIL_V5" "$MAIL_V5_TLS"

start_server v4 "$V4_DIR" env "${CLEAN_ENV[@]}" \
  NEXTAUTH_URL="http://127.0.0.1:$P_V4" \
  NEXTAUTH_SECRET="authjs-test-secret-v4-0123456789abcdef" \
  AUTHJS_MAIL_DIR="$MAIL_V4" \
  node node_modules/next/dist/bin/next start -H 127.0.0.1 -p "$P_V4"
start_server v5 "$V5_DIR" env "${CLEAN_ENV[@]}" \
  NODE_ENV=production PORT="$P_V5" \
  AUTH_SECRET="authjs-test-secret-v5-0123456789abcdef" \
  AUTHJS_MAIL_DIR="$MAIL_V5" \
  node server.mjs
start_server v5-tls "$V5_DIR" env "${CLEAN_ENV[@]}" \
  NODE_ENV=production PORT="$P_V5_TLS" \
  AUTH_SECRET="authjs-test-secret-v5-0123456789abcdef" \
  AUTHJS_MAIL_DIR="$MAIL_V5_TLS" \
  TLS_CERT="$CERT_DIR/server.pem" TLS_KEY="$CERT_DIR/server.key" \
  node server.mjs

URLS=("http://127.0.0.1:$P_V4" "http://127.0.0.1:$P_V5" "https://127.0.0.1:$P_V5_TLS")

fail_server() { # index reason
  local i="$1"
  log "server ${NAMES[$i]} (${URLS[$i]}) $2; last lines of its log:"
  tail -n 40 "$TMP_DIR/${NAMES[$i]}.log" >&2 || true
  exit 1
}

# Bounded readiness poll of GET /api/health on every server.
deadline=$((SECONDS + READY_TIMEOUT_S))
ready=(0 0 0)
while :; do
  pending=0
  for i in 0 1 2; do
    [ "${ready[$i]}" = 1 ] && continue
    if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
      fail_server "$i" "exited before it became ready"
    fi
    if curl -sf -o /dev/null --connect-timeout 1 --max-time 2 --cacert "$CERT_DIR/ca.pem" \
      "${URLS[$i]}/api/health"; then
      ready[$i]=1
    else
      pending=1
    fi
  done
  [ "$pending" = 0 ] && break
  if [ "$SECONDS" -ge "$deadline" ]; then
    for i in 0 1 2; do
      [ "${ready[$i]}" = 1 ] || fail_server "$i" "was not ready after ${READY_TIMEOUT_S}s"
    done
  fi
  sleep 0.2
done

export AUTHJS_TEST_V4_URL="${URLS[0]}"
export AUTHJS_TEST_V5_URL="${URLS[1]}"
export AUTHJS_TEST_V5_TLS_URL="${URLS[2]}"
export AUTHJS_TEST_CA="$CERT_DIR/ca.pem"
export AUTHJS_TEST_V4_MAIL_DIR="$MAIL_V4"
export AUTHJS_TEST_V5_MAIL_DIR="$MAIL_V5"
export AUTHJS_TEST_V5_TLS_MAIL_DIR="$MAIL_V5_TLS"
export AUTHJS_TEST_LOG_DIR="$TMP_DIR" # v4.log, v5.log, v5-tls.log
log "servers ready: v4 $AUTHJS_TEST_V4_URL, v5 $AUTHJS_TEST_V5_URL, v5-tls $AUTHJS_TEST_V5_TLS_URL"

# In the background (stdin kept) so that INT/TERM reach the trap at once.
"$@" <&0 &
CMD_PID=$!
set +e
wait "$CMD_PID"
status=$?
set -e
CMD_PID=""
if [ "$status" -ne 0 ]; then
  for i in 0 1 2; do
    log "CMD failed ($status); last lines of the ${NAMES[$i]} server log:"
    tail -n 30 "$TMP_DIR/${NAMES[$i]}.log" >&2 || true
  done
fi
exit "$status"
