#!/usr/bin/env bash
# Smoke test of the three test servers with curl. Run it through the launcher:
#   bash tests/servers/with-servers.sh bash tests/servers/smoke.sh
# Exits 1 on the first failed check.
set -euo pipefail

: "${AUTHJS_TEST_V4_URL:?run through with-servers.sh}"
: "${AUTHJS_TEST_V5_URL:?run through with-servers.sh}"
: "${AUTHJS_TEST_V5_TLS_URL:?run through with-servers.sh}"
: "${AUTHJS_TEST_CA:?run through with-servers.sh}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/authjs-smoke.XXXXXXXX")"
trap 'rm -rf "$WORK"' EXIT

PASSED=0
FAILED=0
NAME=""

ok() { PASSED=$((PASSED + 1)); echo "  ok   $NAME: $*"; }
fail() {
  FAILED=$((FAILED + 1))
  echo "  FAIL $NAME: $*" >&2
  echo "$PASSED passed, $FAILED failed"
  exit 1
}

# js FILE EXPR: evaluates EXPR with `b` = parsed JSON of FILE (`h` = raw text); prints the result.
js() {
  node -e '
    const fs = require("fs");
    const h = fs.readFileSync(process.argv[1], "utf8");
    let b; try { b = JSON.parse(h); } catch { b = undefined; }
    const r = eval(process.argv[2]);
    process.stdout.write(typeof r === "string" ? r : JSON.stringify(r));
  ' "$1" "$2"
}

# check FILE EXPR DESCRIPTION: EXPR must be truthy.
check() {
  if [ "$(js "$1" "Boolean($2)")" = "true" ]; then
    ok "$3"
  else
    fail "$3 (expression: $2; body: $(head -c 600 "$1"))"
  fi
}

# req JAR OUT METHOD URL [curl args...]: prints the HTTP status; body to OUT, headers to OUT.h
req() {
  local jar="$1" out="$2" method="$3" url="$4"
  shift 4
  curl -sS -o "$out" -D "$out.h" -w '%{http_code}' -X "$method" \
    --cacert "$AUTHJS_TEST_CA" --max-time 20 \
    -c "$jar" -b "$jar" -A "$UA" "$@" "$url" || true # transport errors print status 000
}

expect_status() { # got want what
  if [ "$1" = "$2" ]; then ok "$3 -> $1"; else fail "$3: status $1, expected $2"; fi
}

csrf() { # jar -> prints token
  local st
  st="$(req "$1" "$WORK/csrf.json" GET "$BASE/csrf")"
  [ "$st" = 200 ] || fail "GET csrf: status $st"
  js "$WORK/csrf.json" 'b.csrfToken'
}

# Posts like next-auth/react does for both versions: form body + json=true + header.
post_form() { # jar out path [curl --data args...]
  local jar="$1" out="$2" path="$3"
  shift 3
  req "$jar" "$out" POST "$BASE/$path" -H 'X-Auth-Return-Redirect: 1' -d json=true "$@"
}

login() { # jar user password out
  local token
  token="$(csrf "$1")"
  post_form "$1" "$4" callback/credentials --data-urlencode "csrfToken=$token" \
    --data-urlencode "username=$2" --data-urlencode "password=$3" \
    --data-urlencode "callbackUrl=$ORIGIN/welcome"
}

smoke() { # label origin mail_dir
  NAME="$1"
  ORIGIN="$2"
  local mail_dir="$3" st jar
  BASE="$ORIGIN/api/auth"
  UA="authjs-smoke/$1/$$/$RANDOM$RANDOM"
  echo "== $NAME ($ORIGIN)"

  # --- exact request counting on a fresh user agent ---
  jar="$WORK/$NAME-count.jar"
  st="$(login "$jar" alice alice-password "$WORK/login.json")"
  expect_status "$st" 200 "credentials login (counted sequence)"
  req "$jar" "$WORK/s.json" GET "$BASE/session" >/dev/null
  req "$jar" "$WORK/s.json" GET "$BASE/session" >/dev/null
  req "$jar" "$WORK/me.json" GET "$ORIGIN/api/me" >/dev/null
  st="$(curl -sS -o "$WORK/count.json" -w '%{http_code}' --cacert "$AUTHJS_TEST_CA" -A other \
    --get --data-urlencode "ua=$UA" "$ORIGIN/api/test/requests")"
  expect_status "$st" 200 "GET /api/test/requests"
  check "$WORK/count.json" \
    'b.total === 4 && b.byRoute["GET csrf"] === 1 && b.byRoute["POST callback/credentials"] === 1 && b.byRoute["GET session"] === 2 && Object.keys(b.byRoute).length === 3' \
    "request counter: $(cat "$WORK/count.json")"

  UA="authjs-smoke/$1/$$/main"
  jar="$WORK/$NAME-alice.jar"

  # --- health, providers, csrf ---
  st="$(req "$jar" "$WORK/h.json" GET "$ORIGIN/api/health")"
  expect_status "$st" 200 "GET /api/health"
  check "$WORK/h.json" 'b.ok === true' "health body"

  st="$(req "$jar" "$WORK/p.json" GET "$BASE/providers")"
  expect_status "$st" 200 "GET providers"
  check "$WORK/p.json" \
    'b.credentials.type === "credentials" && b.email.type === "email" && b.github.type === "oauth" && b.credentials.name === "Credentials"' \
    "providers credentials/email/github"

  st="$(req "$jar" "$WORK/c.json" GET "$BASE/csrf")"
  expect_status "$st" 200 "GET csrf"
  check "$WORK/c.json" '/^[0-9a-f]{64}$/.test(b.csrfToken)' "csrfToken is 64 hex"
  if grep -q 'csrf-token' "$jar"; then ok "csrf cookie stored"; else fail "no csrf cookie in jar"; fi

  # --- anonymous ---
  st="$(req "$jar" "$WORK/s.json" GET "$BASE/session")"
  expect_status "$st" 200 "anonymous GET session"
  check "$WORK/s.json" 'b === null || (typeof b === "object" && Object.keys(b).length === 0)' "anonymous session is {} or null"
  st="$(req "$jar" "$WORK/me.json" GET "$ORIGIN/api/me")"
  expect_status "$st" 401 "anonymous GET /api/me"
  check "$WORK/me.json" 'b.error === "unauthenticated"' "401 body"
  st="$(req "$jar" "$WORK/e.json" POST "$ORIGIN/api/echo" -H 'Content-Type: text/plain' --data-binary 'hi')"
  expect_status "$st" 401 "anonymous POST /api/echo"

  # --- alice ---
  st="$(login "$jar" alice alice-password "$WORK/login.json")"
  expect_status "$st" 200 "POST callback/credentials alice"
  check "$WORK/login.json" "b.url === \"$ORIGIN/welcome\"" "login url is the callbackUrl"
  if grep -q 'session-token' "$jar"; then ok "session cookie stored"; else fail "no session cookie in jar"; fi

  st="$(req "$jar" "$WORK/s.json" GET "$BASE/session")"
  expect_status "$st" 200 "GET session"
  check "$WORK/s.json" \
    'b.user.name === "Alice Liddell" && b.user.email === "alice@example.com" && b.user.image === "https://example.com/alice.png" && b.role === "admin" && b.uid === "1" && b.paddingLength === 0 && typeof b.expires === "string"' \
    "session shows Alice, admin"

  st="$(req "$jar" "$WORK/me.json" GET "$ORIGIN/api/me")"
  expect_status "$st" 200 "GET /api/me"
  check "$WORK/me.json" 'b.user.name === "Alice Liddell" && b.role === "admin" && b.uid === "1"' "/api/me body"

  st="$(req "$jar" "$WORK/e.json" POST "$ORIGIN/api/echo" -H 'Content-Type: application/json' \
    --data-binary '{"hello":"wörld","n":[1,2]}')"
  expect_status "$st" 200 "POST /api/echo"
  check "$WORK/e.json" \
    'b.method === "POST" && b.contentType === "application/json" && b.body === "{\"hello\":\"wörld\",\"n\":[1,2]}"' \
    "echo body"

  st="$(req "$jar" "$WORK/slow.json" GET "$ORIGIN/api/slow?ms=50")"
  expect_status "$st" 200 "GET /api/slow?ms=50"
  check "$WORK/slow.json" 'b.slept === 50' "slow body"

  # session update (name + padding)
  local token
  token="$(csrf "$jar")"
  st="$(req "$jar" "$WORK/u.json" POST "$BASE/session" -H 'Content-Type: application/json' \
    --data-binary "{\"csrfToken\":\"$token\",\"data\":{\"name\":\"Alice Updated\"}}")"
  expect_status "$st" 200 "POST session (update name)"
  check "$WORK/u.json" 'b.user.name === "Alice Updated" && b.role === "admin"' "updated session"
  st="$(req "$jar" "$WORK/me.json" GET "$ORIGIN/api/me")"
  check "$WORK/me.json" 'b.user.name === "Alice Updated"' "/api/me sees updated name"

  # wrong password, crash user: no session change
  local jar2="$WORK/$NAME-fail.jar"
  st="$(login "$jar2" alice wrong "$WORK/bad.json")"
  check "$WORK/bad.json" '/error=CredentialsSignin/.test(b.url)' "wrong password -> CredentialsSignin ($st)"
  st="$(login "$jar2" crash x "$WORK/crash.json")"
  check "$WORK/crash.json" '/error=(AuthorizeCrashed|Configuration)/.test(b.url)' "crash user -> error url ($st)"
  if grep -q 'session-token' "$jar2"; then fail "failed logins set a session cookie"; else ok "failed logins set no session cookie"; fi

  # --- github: authorize URL, nothing fetched ---
  token="$(csrf "$jar")"
  st="$(post_form "$jar" "$WORK/gh.json" signin/github --data-urlencode "csrfToken=$token" \
    --data-urlencode "callbackUrl=$ORIGIN/")"
  expect_status "$st" 200 "POST signin/github"
  check "$WORK/gh.json" \
    'b.url.startsWith("https://github.com/login/oauth/authorize?") && new URL(b.url).searchParams.get("client_id") === "fake-client-id"' \
    "github authorize url"

  # --- email: link written to the mail dir, then redeemed ---
  local ejar="$WORK/$NAME-email.jar" link_file="$mail_dir/bob@example.com.txt"
  rm -f "$link_file"
  token="$(csrf "$ejar")"
  st="$(post_form "$ejar" "$WORK/em.json" signin/email --data-urlencode "csrfToken=$token" \
    --data-urlencode "email=Bob@Example.com" --data-urlencode "callbackUrl=$ORIGIN/mail-ok")"
  expect_status "$st" 200 "POST signin/email"
  check "$WORK/em.json" '/\/api\/auth\/verify-request\?provider=email&type=email$/.test(b.url)' "verify-request url"
  if [ -s "$link_file" ]; then ok "magic link written to $link_file"; else fail "no magic link file $link_file"; fi
  local link
  link="$(head -n 1 "$link_file")"
  case "$link" in
    "$BASE/callback/email?"*) ok "magic link points at callback/email" ;;
    *) fail "unexpected magic link $link" ;;
  esac
  st="$(req "$ejar" "$WORK/cb.html" GET "$link")"
  expect_status "$st" 302 "GET magic link"
  if grep -qi "^location: $ORIGIN/mail-ok" "$WORK/cb.html.h"; then ok "magic link redirects to callbackUrl"; else fail "magic link Location: $(grep -i '^location' "$WORK/cb.html.h")"; fi
  st="$(req "$ejar" "$WORK/s.json" GET "$BASE/session")"
  check "$WORK/s.json" 'b.user.email === "bob@example.com" && b.uid === "2" && b.role === "user" && b.user.image === undefined' "email session is bob (uid 2)"
  st="$(req "$ejar" "$WORK/cb2.html" GET "$link")"
  if grep -qi '^location: .*error=Verification' "$WORK/cb2.html.h"; then ok "magic link is single-use ($st)"; else fail "reused magic link: $st $(grep -i '^location' "$WORK/cb2.html.h")"; fi

  # --- carol: chunked session cookie ---
  local cjar="$WORK/$NAME-carol.jar"
  st="$(login "$cjar" carol carol-password "$WORK/carol.json")"
  expect_status "$st" 200 "POST callback/credentials carol"
  if grep -Eq 'session-token\.0[[:space:]]' "$cjar" && grep -Eq 'session-token\.1[[:space:]]' "$cjar"; then
    ok "carol's session cookie is chunked ($(grep -Ec 'session-token\.[0-9]+[[:space:]]' "$cjar") chunks)"
  else
    fail "carol's session cookie is not chunked: $(grep -o '[^[:space:]]*session-token[^[:space:]]*' "$cjar" | tr '\n' ' ')"
  fi
  if grep -Eq 'session-token[[:space:]]' "$cjar"; then fail "unchunked session cookie next to the chunks"; else ok "no unchunked session cookie"; fi

  # --- signout ---
  token="$(csrf "$jar")"
  st="$(post_form "$jar" "$WORK/so.json" signout --data-urlencode "csrfToken=$token" \
    --data-urlencode "callbackUrl=$ORIGIN/bye")"
  expect_status "$st" 200 "POST signout"
  check "$WORK/so.json" "b.url === \"$ORIGIN/bye\"" "signout url"
  if grep -q 'session-token' "$jar"; then fail "session cookie still in jar after signout"; else ok "session cookie removed"; fi
  st="$(req "$jar" "$WORK/s.json" GET "$BASE/session")"
  check "$WORK/s.json" 'b === null || Object.keys(b).length === 0' "session anonymous after signout"
  st="$(req "$jar" "$WORK/me.json" GET "$ORIGIN/api/me")"
  expect_status "$st" 401 "GET /api/me after signout"
}

smoke v4 "$AUTHJS_TEST_V4_URL" "$AUTHJS_TEST_V4_MAIL_DIR"
smoke v5 "$AUTHJS_TEST_V5_URL" "$AUTHJS_TEST_V5_MAIL_DIR"
smoke v5-tls "$AUTHJS_TEST_V5_TLS_URL" "$AUTHJS_TEST_V5_TLS_MAIL_DIR"

# Secure cookie names over https (v5 sees the https request).
if grep -q '__Host-authjs.csrf-token' "$WORK/v5-tls-alice.jar" && grep -q '__Secure-authjs.session-token' "$WORK/v5-tls-carol.jar"; then
  NAME=v5-tls ok "__Host-/__Secure- cookie names over https"
else
  NAME=v5-tls fail "expected __Host-/__Secure- cookie names over https"
fi

echo "$PASSED passed, $FAILED failed"
