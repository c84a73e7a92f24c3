#!/usr/bin/env bash
# Starts the Auth.js test servers, runs CMD [ARGS...] against them, stops them.
#
#   bash tests/servers/with-servers.sh CMD [ARGS...]
#
# Servers (all on 127.0.0.1, free ports picked at run time, started in parallel):
#   name              what                                               variable
#   v4                next-auth 4.24 in Next.js 16 (pages router)        AUTHJS_TEST_V4_URL
#   v4-22             next-auth 4.22 in Next.js 13 (pages router)        AUTHJS_TEST_V4_22_URL
#   v4-db             v4, database session strategy                      AUTHJS_TEST_V4_DB_URL
#   v4-pages-query    v4, pages.signIn=/login?from=app, error=/login#signin  AUTHJS_TEST_V4_PAGES_QUERY_URL
#   v4-pages-fragment v4, pages.signIn=/login#signin, error=/login?from=app  AUTHJS_TEST_V4_PAGES_FRAGMENT_URL
#   v5                @auth/express on Express 5                         AUTHJS_TEST_V5_URL
#   v5-tls            v5 over https                                      AUTHJS_TEST_V5_TLS_URL
#   v5-db             v5, database session strategy                      AUTHJS_TEST_V5_DB_URL
#   v5-basepath       v5 mounted at /auth (URL names it: http://H:P/auth) AUTHJS_TEST_V5_BASEPATH_URL
#   v5-pages-query    v5, pages as v4-pages-query                        AUTHJS_TEST_V5_PAGES_QUERY_URL
#   v5-pages-fragment v5, pages as v4-pages-fragment                     AUTHJS_TEST_V5_PAGES_FRAGMENT_URL
#   v5-next           next-auth 5 beta in Next.js 16 (App Router)        AUTHJS_TEST_V5_NEXT_URL
#   v5-next-tls       v5-next over https (custom server.mjs)             AUTHJS_TEST_V5_NEXT_TLS_URL
#   fault             the fault server (tests/fault-server, Rust)        AUTHJS_TEST_FAULT_URL
#   oidc              the OpenID provider (oidc-provider, oidc/)         AUTHJS_TEST_OIDC_URL
# Every Auth.js server above offers the OIDC providers `oidc` and `oidc-form` of that
# OpenID provider (its issuer is AUTHJS_TEST_OIDC_URL, passed to each as
# AUTHJS_TEST_OIDC_ISSUER); the provider has a client for each server's callback URLs.
# Each URL is http(s)://127.0.0.1:PORT (v5-basepath: plus /auth); next-auth 5 in
# Next.js answers with localhost URLs instead (see docs/servers.md).
# Also exported: AUTHJS_TEST_CA (PEM of the CA that signed the https certificate),
# AUTHJS_TEST_<NAME>_MAIL_DIR for every server above (magic links land in
# <dir>/<email>.txt), AUTHJS_TEST_LOG_DIR (server logs, <name>.log).
# The fault server's scenarios are at AUTHJS_TEST_FAULT_URL/<scenario> (README.md).
# Each Next.js app is built at most once per run, and only when stale; the fault
# server is built with cargo once per run.
# Exits with CMD's status; on failure it prints the tail of each server log.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
READY_TIMEOUT_S="${AUTHJS_TEST_READY_TIMEOUT:-90}"

if [ "$#" -lt 1 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

for tool in node npm openssl curl setsid flock cargo; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "with-servers.sh: '$tool' is required but not installed" >&2
    exit 2
  fi
done

export NEXT_TELEMETRY_DISABLED=1

log() { echo "with-servers.sh: $*" >&2; }

# ---------------------------------------------------------------------------
# Dependencies and the Next builds (serialised between concurrent launchers)
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

# Builds a Next.js app when its .next/BUILD_ID is missing or older than any of its
# sources (or of common/). Every server started from that app shares the one build.
ensure_next_build() { # dir
  local dir="$1" need=0 src
  local sources=("$HERE/common")
  if ensure_deps "$dir" next/dist/bin/next; then need=1; fi
  for src in pages app lib auth.mjs next.config.mjs package.json package-lock.json; do
    if [ -e "$dir/$src" ]; then sources+=("$dir/$src"); fi
  done
  if [ ! -f "$dir/.next/BUILD_ID" ]; then
    need=1
  elif [ -n "$(find "${sources[@]}" -newer "$dir/.next/BUILD_ID" -print -quit)" ]; then
    need=1
  fi
  if [ "$need" = 1 ]; then
    log "next build in $dir"
    (cd "$dir" && node node_modules/next/dist/bin/next build) >&2
  fi
}

ensure_next_build "$HERE/v4"
ensure_next_build "$HERE/v4-22"
ensure_next_build "$HERE/v5-next"
ensure_deps "$HERE/v5" @auth/express/index.js || true
ensure_deps "$HERE/oidc" oidc-provider/lib/index.js || true

# The fault server: one small std-only crate of this workspace. cargo names the binary
# it built (wherever CARGO_TARGET_DIR points).
log "cargo build -p authjs-fault-server"
FAULT_BIN="$(cd "$HERE/../.." && cargo build --quiet -p authjs-fault-server --bin authjs-fault-server \
  --message-format=json | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1)"
if [ -z "$FAULT_BIN" ] || [ ! -x "$FAULT_BIN" ]; then
  log "could not build the fault server (tests/fault-server)"
  exit 1
fi

flock -u 9
exec 9>&-

# ---------------------------------------------------------------------------
# Temp dir, cleanup
# ---------------------------------------------------------------------------
TMP_DIR="$(mktemp -d "${TMPDIR:-/tmp}/authjs-servers.XXXXXXXX")"
PIDS=()
NAMES=()
ORIGINS=() # scheme://127.0.0.1:port, polled for readiness
CMD_PID=""

stop_servers() {
  local pid deadline
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
printf '%s\n' "basicConstraints=critical,CA:FALSE" \
  "keyUsage=critical,digitalSignature,keyEncipherment" \
  "extendedKeyUsage=serverAuth" \
  "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  "subjectKeyIdentifier=hash" \
  "authorityKeyIdentifier=keyid" >"$CERT_DIR/server.ext"
openssl x509 -req -in "$CERT_DIR/server.csr" -CA "$CERT_DIR/ca.pem" -CAkey "$CERT_DIR/ca.key" \
  -set_serial "0x$(openssl rand -hex 16)" -days 2 -extfile "$CERT_DIR/server.ext" \
  -out "$CERT_DIR/server.pem" 2>/dev/null

# ---------------------------------------------------------------------------
# Ports and servers
# ---------------------------------------------------------------------------
N_SERVERS=15 # 13 Auth.js servers, the fault server, the OpenID provider (the last port)
read -r -a PORTS < <(node -e '
const net = require("net");
const servers = Array.from({ length: Number(process.argv[1]) }, () => net.createServer());
Promise.all(servers.map((s) => new Promise((ok, ko) => { s.once("error", ko); s.listen(0, "127.0.0.1", ok); })))
  .then(() => { console.log(servers.map((s) => s.address().port).join(" ")); servers.forEach((s) => s.close()); });
' "$N_SERVERS")
if [ "${#PORTS[@]}" -ne "$N_SERVERS" ]; then
  log "could not pick free ports"
  exit 1
fi

# Variables that would change how the libraries see their own URL or setup.
CLEAN_ENV=(-u AUTH_URL -u NEXTAUTH_URL -u NEXTAUTH_URL_INTERNAL -u AUTH_TRUST_HOST -u VERCEL
  -u VERCEL_URL -u CF_PAGES -u AUTH_SECRET -u NEXTAUTH_SECRET -u TLS_CERT -u TLS_KEY -u PORT
  -u AUTH_REDIRECT_PROXY_URL -u NODE_OPTIONS -u AUTHJS_TEST_SESSION_STRATEGY
  -u AUTHJS_TEST_BASE_PATH -u AUTHJS_TEST_PAGES_SIGNIN -u AUTHJS_TEST_PAGES_ERROR
  -u AUTHJS_TEST_OIDC_ISSUER -u AUTHJS_OIDC_CALLBACK_BASES)

# The OpenID provider takes the last port, so that every Auth.js server can be given its
# issuer at start (they discover it at the first OAuth request, not at load) and the
# provider the callback URLs of all of them.
OIDC_PORT="${PORTS[$((N_SERVERS - 1))]}"
OIDC_ISSUER="http://127.0.0.1:$OIDC_PORT"
CALLBACK_BASES=() # the auth base URL of every Auth.js server, for the provider's redirect URIs

V4_SECRET="authjs-test-secret-v4-0123456789abcdef"
V5_SECRET="authjs-test-secret-v5-0123456789abcdef"
TLS_ENV=(TLS_CERT="$CERT_DIR/server.pem" TLS_KEY="$CERT_DIR/server.key")
# The custom-pages variants (the same values for v4 and v5).
PAGES_QUERY=(AUTHJS_TEST_PAGES_SIGNIN="/login?from=app" AUTHJS_TEST_PAGES_ERROR="/login#signin")
PAGES_FRAGMENT=(AUTHJS_TEST_PAGES_SIGNIN="/login#signin" AUTHJS_TEST_PAGES_ERROR="/login?from=app")

# start_server NAME APP SCHEME [VAR=VALUE...]: APP is the directory (v4, v4-22, v5,
# v5-next); the VAR=VALUE pairs select the configuration variant.
start_server() {
  local name="$1" app="$2" scheme="$3"
  shift 3
  local i="${#NAMES[@]}"
  local port="${PORTS[$i]}"
  local origin="$scheme://127.0.0.1:$port" mail="$TMP_DIR/mail-$name" cmd
  mkdir -p "$mail"
  case "$app" in
    v4 | v4-22)
      cmd=(NEXTAUTH_URL="$origin" NEXTAUTH_SECRET="$V4_SECRET"
        node node_modules/next/dist/bin/next start -H 127.0.0.1 -p "$port") ;;
    v5)
      cmd=(NODE_ENV=production PORT="$port" AUTH_SECRET="$V5_SECRET" node server.mjs) ;;
    v5-next)
      if [ "$scheme" = https ]; then # next start has no TLS: the documented custom server
        cmd=(NODE_ENV=production PORT="$port" AUTH_URL="$origin" AUTH_SECRET="$V5_SECRET"
          node server.mjs)
      else
        cmd=(AUTH_URL="$origin" AUTH_SECRET="$V5_SECRET"
          node node_modules/next/dist/bin/next start -H 127.0.0.1 -p "$port")
      fi ;;
    *)
      log "unknown app $app"
      exit 2 ;;
  esac
  (cd "$HERE/$app" && exec setsid env "${CLEAN_ENV[@]}" AUTHJS_MAIL_DIR="$mail" \
    AUTHJS_TEST_OIDC_ISSUER="$OIDC_ISSUER" "$@" "${cmd[@]}") \
    >"$TMP_DIR/$name.log" 2>&1 </dev/null &
  PIDS+=("$!")
  NAMES+=("$name")
  ORIGINS+=("$origin")
  local base="/api/auth" arg
  for arg in "$@"; do
    case "$arg" in AUTHJS_TEST_BASE_PATH=*) base="${arg#AUTHJS_TEST_BASE_PATH=}" ;; esac
  done
  CALLBACK_BASES+=("$origin$base")
}

start_server v4 v4 http
start_server v4-22 v4-22 http
start_server v4-db v4 http AUTHJS_TEST_SESSION_STRATEGY=database
start_server v4-pages-query v4 http "${PAGES_QUERY[@]}"
start_server v4-pages-fragment v4 http "${PAGES_FRAGMENT[@]}"
start_server v5 v5 http
start_server v5-tls v5 https "${TLS_ENV[@]}"
start_server v5-db v5 http AUTHJS_TEST_SESSION_STRATEGY=database
start_server v5-basepath v5 http AUTHJS_TEST_BASE_PATH=/auth
start_server v5-pages-query v5 http "${PAGES_QUERY[@]}"
start_server v5-pages-fragment v5 http "${PAGES_FRAGMENT[@]}"
start_server v5-next v5-next http
start_server v5-next-tls v5-next https "${TLS_ENV[@]}"

# The fault server (answers /api/health too, so the readiness poll below covers it).
start_fault_server() {
  local i="${#NAMES[@]}"
  local port="${PORTS[$i]}"
  (exec setsid "$FAULT_BIN" --port "$port") >"$TMP_DIR/fault.log" 2>&1 </dev/null &
  PIDS+=("$!")
  NAMES+=(fault)
  ORIGINS+=("http://127.0.0.1:$port")
}
start_fault_server

# The OpenID provider (answers /api/health too).
start_oidc_server() {
  (cd "$HERE/oidc" && exec setsid env "${CLEAN_ENV[@]}" PORT="$OIDC_PORT" \
    AUTHJS_OIDC_CALLBACK_BASES="${CALLBACK_BASES[*]}" node server.mjs) \
    >"$TMP_DIR/oidc.log" 2>&1 </dev/null &
  PIDS+=("$!")
  NAMES+=(oidc)
  ORIGINS+=("$OIDC_ISSUER")
}
start_oidc_server

fail_server() { # index reason
  local i="$1"
  log "server ${NAMES[$i]} (${ORIGINS[$i]}) $2; last lines of its log:"
  tail -n 40 "$TMP_DIR/${NAMES[$i]}.log" >&2 || true
  exit 1
}

# Bounded readiness poll of GET /api/health on every server.
deadline=$((SECONDS + READY_TIMEOUT_S))
ready=()
for i in "${!NAMES[@]}"; do ready[i]=0; done
while :; do
  pending=0
  for i in "${!NAMES[@]}"; do
    [ "${ready[$i]}" = 1 ] && continue
    if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
      fail_server "$i" "exited before it became ready"
    fi
    if curl -sf -o /dev/null --connect-timeout 1 --max-time 2 --cacert "$CERT_DIR/ca.pem" \
      "${ORIGINS[$i]}/api/health"; then
      ready[i]=1
    else
      pending=1
    fi
  done
  [ "$pending" = 0 ] && break
  if [ "$SECONDS" -ge "$deadline" ]; then
    for i in "${!NAMES[@]}"; do
      [ "${ready[$i]}" = 1 ] || fail_server "$i" "was not ready after ${READY_TIMEOUT_S}s"
    done
  fi
  sleep 0.2
done

summary=""
for i in "${!NAMES[@]}"; do
  var="AUTHJS_TEST_$(echo "${NAMES[$i]}" | tr 'a-z-' 'A-Z_')"
  url="${ORIGINS[$i]}"
  # The clients read URLs like NEXTAUTH_URL: a path names the base path.
  if [ "${NAMES[$i]}" = v5-basepath ]; then url="$url/auth"; fi
  export "${var}_URL=$url"
  if [ "${NAMES[$i]}" != fault ] && [ "${NAMES[$i]}" != oidc ]; then export "${var}_MAIL_DIR=$TMP_DIR/mail-${NAMES[$i]}"; fi
  summary="$summary ${NAMES[$i]}=$url"
done
export AUTHJS_TEST_CA="$CERT_DIR/ca.pem"
# The servers' AUTH_SECRET / NEXTAUTH_SECRET, for the token tests (tests/tokens.rs).
export AUTHJS_TEST_V4_SECRET="$V4_SECRET" AUTHJS_TEST_V5_SECRET="$V5_SECRET"
export AUTHJS_TEST_LOG_DIR="$TMP_DIR" # <name>.log
log "servers ready after ${SECONDS}s:$summary"

# In the background (stdin kept) so that INT/TERM reach the trap at once.
"$@" <&0 &
CMD_PID=$!
set +e
wait "$CMD_PID"
status=$?
set -e
CMD_PID=""
if [ "$status" -ne 0 ]; then
  for i in "${!NAMES[@]}"; do
    log "CMD failed ($status); last lines of the ${NAMES[$i]} server log:"
    tail -n 30 "$TMP_DIR/${NAMES[$i]}.log" >&2 || true
  done
fi
exit "$status"
