#!/usr/bin/env bash
# Prints what the servers answer in failure and edge cases (status, body, Location,
# cookie changes). Not a test: a tool to (re)observe facts for assertions.
#   bash tests/servers/with-servers.sh bash tests/servers/probe.sh
set -euo pipefail

: "${AUTHJS_TEST_V4_URL:?run through with-servers.sh}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/authjs-probe.XXXXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# show LABEL JAR METHOD URL [curl args]: one line with status, Location, cookies set/deleted, body.
show() {
  local label="$1" jar="$2" method="$3" url="$4"
  shift 4
  local st
  st="$(curl -sS -o "$WORK/b" -D "$WORK/h" -w '%{http_code}' -X "$method" --cacert "$AUTHJS_TEST_CA" \
    -c "$jar" -b "$jar" -A probe "$@" "$url")"
  local loc cookies body
  loc="$(grep -i '^location:' "$WORK/h" | head -n1 | tr -d '\r' | cut -d' ' -f2- || true)"
  cookies="$(grep -i '^set-cookie:' "$WORK/h" | tr -d '\r' | sed -E 's/^[Ss]et-[Cc]ookie: //' |
    awk -F';' '{ split($1, kv, "="); v = substr($1, length(kv[1]) + 2);
      printf "%s%s ", kv[1], (v == "" || tolower($0) ~ /max-age=0/) ? "(del)" : "(" length(v) ")" }' || true)"
  body="$(head -c 300 "$WORK/b" | tr '\n' ' ')"
  printf '%-46s %s' "$label" "$st"
  [ -n "$loc" ] && printf '  Location: %s' "$loc"
  [ -n "$cookies" ] && printf '  Set-Cookie: [%s]' "${cookies% }"
  printf '  body: %s\n' "$body"
}

deleted_cookies() { grep -i '^set-cookie:' "$WORK/h" | grep -Ei 'max-age=0|expires=thu, 01 jan 1970' | sed -E 's/^[Ss]et-[Cc]ookie: ([^=]+)=.*/\1/' | tr -d '\r' | tr '\n' ' ' || true; }

token() { curl -sS --cacert "$AUTHJS_TEST_CA" -c "$1" -b "$1" -A probe "$BASE/csrf" | node -pe 'JSON.parse(require("fs").readFileSync(0)).csrfToken'; }

J=(-H 'X-Auth-Return-Redirect: 1' -d json=true)

probe() {
  local name="$1" origin="$2"
  BASE="$origin/api/auth"
  echo "=================== $name $origin"
  local jar="$WORK/$name.jar" t
  rm -f "$jar"
  t="$(token "$jar")"
  local cb="--data-urlencode callbackUrl=$origin/cb"
  show "wrong password (json+header)" "$jar" POST "$BASE/callback/credentials" "${J[@]}" -d "csrfToken=$t" -d username=alice -d password=nope $cb
  show "unknown user" "$jar" POST "$BASE/callback/credentials" "${J[@]}" -d "csrfToken=$t" -d username=zed -d password=zed $cb
  show "crash user" "$jar" POST "$BASE/callback/credentials" "${J[@]}" -d "csrfToken=$t" -d username=crash -d password=x $cb
  show "wrong password, no json flags" "$jar" POST "$BASE/callback/credentials" -d "csrfToken=$t" -d username=alice -d password=nope $cb
  show "wrong password, only json=true" "$jar" POST "$BASE/callback/credentials" -d json=true -d "csrfToken=$t" -d username=alice -d password=nope $cb
  show "wrong password, only header" "$jar" POST "$BASE/callback/credentials" -H 'X-Auth-Return-Redirect: 1' -d "csrfToken=$t" -d username=alice -d password=nope $cb
  show "callback/credentials csrf missing" "$jar" POST "$BASE/callback/credentials" "${J[@]}" -d username=alice -d password=alice-password $cb
  show "callback/credentials csrf wrong" "$jar" POST "$BASE/callback/credentials" "${J[@]}" -d csrfToken=0000 -d username=alice -d password=alice-password $cb
  show "callback/credentials no csrf cookie" "$WORK/empty.jar" POST "$BASE/callback/credentials" "${J[@]}" -d "csrfToken=$t" -d username=alice -d password=alice-password $cb
  rm -f "$WORK/empty.jar"
  show "signin/email csrf missing" "$jar" POST "$BASE/signin/email" "${J[@]}" -d email=a@example.com $cb
  show "signin/github csrf missing" "$jar" POST "$BASE/signin/github" "${J[@]}" $cb
  show "signin/nope (unknown provider, valid csrf)" "$jar" POST "$BASE/signin/nope" "${J[@]}" -d "csrfToken=$t" $cb
  show "callback/nope (unknown provider, valid csrf)" "$jar" POST "$BASE/callback/nope" "${J[@]}" -d "csrfToken=$t" $cb
  show "GET callback/nope" "$jar" GET "$BASE/callback/nope"
  show "signin/credentials (valid csrf)" "$jar" POST "$BASE/signin/credentials" "${J[@]}" -d "csrfToken=$t" $cb
  show "signin/email invalid address" "$jar" POST "$BASE/signin/email" "${J[@]}" -d "csrfToken=$t" -d email=not-an-email $cb
  show "signin/email no dot in domain (a@b)" "$jar" POST "$BASE/signin/email" "${J[@]}" -d "csrfToken=$t" -d email=a@b $cb
  show "GET callback/email bad token" "$jar" GET "$BASE/callback/email?token=bad&email=bob%40example.com"
  show "GET callback/email no token" "$jar" GET "$BASE/callback/email"
  show "GET callback/github no cookies" "$jar" GET "$BASE/callback/github?code=x&state=y"
  show "GET callback/github?error=access_denied" "$jar" GET "$BASE/callback/github?error=access_denied"
  show "GET unknown action /foo" "$jar" GET "$BASE/foo"
  show "GET signin/github" "$jar" GET "$BASE/signin/github"
  show "PUT session" "$jar" PUT "$BASE/session"
  show "anonymous GET session" "$jar" GET "$BASE/session"
  show "anonymous POST session (valid csrf)" "$jar" POST "$BASE/session" -H 'Content-Type: application/json' --data-binary "{\"csrfToken\":\"$t\",\"data\":{\"name\":\"x\"}}"
  show "POST _log" "$jar" POST "$BASE/_log" -d level=error -d code=X

  # logged in
  show "login alice" "$jar" POST "$BASE/callback/credentials" "${J[@]}" -d "csrfToken=$t" -d username=alice -d password=alice-password $cb
  show "POST session update csrf missing" "$jar" POST "$BASE/session" -H 'Content-Type: application/json' --data-binary '{"data":{"name":"x"}}'
  show "POST session update csrf wrong" "$jar" POST "$BASE/session" -H 'Content-Type: application/json' --data-binary '{"csrfToken":"bad","data":{"name":"x"}}'
  show "POST session update urlencoded (valid csrf)" "$jar" POST "$BASE/session" -d "csrfToken=$t" -d 'data={"name":"Form"}'
  show "POST session update, no data" "$jar" POST "$BASE/session" -H 'Content-Type: application/json' --data-binary "{\"csrfToken\":\"$t\"}"
  show "signout csrf missing" "$jar" POST "$BASE/signout" "${J[@]}" $cb
  show "session after failed signout" "$jar" GET "$BASE/session"
  show "update padding=5000 (chunks)" "$jar" POST "$BASE/session" -H 'Content-Type: application/json' --data-binary "{\"csrfToken\":\"$t\",\"data\":{\"padding\":5000}}"
  echo "    deleted: $(deleted_cookies)"
  show "update padding=false (unchunk)" "$jar" POST "$BASE/session" -H 'Content-Type: application/json' --data-binary "{\"csrfToken\":\"$t\",\"data\":{\"padding\":false}}"
  echo "    deleted: $(deleted_cookies)"
  show "GET csrf with valid cookie" "$jar" GET "$BASE/csrf"
  show "signout (valid)" "$jar" POST "$BASE/signout" "${J[@]}" -d "csrfToken=$t" $cb
  echo "    deleted: $(deleted_cookies)"

  # bob: no image
  local bjar="$WORK/$name-bob.jar"
  t="$(token "$bjar")"
  show "login bob" "$bjar" POST "$BASE/callback/credentials" "${J[@]}" -d "csrfToken=$t" -d username=bob -d password=bob-password $cb
  show "bob session" "$bjar" GET "$BASE/session"
  show "garbage session cookie" "$WORK/g.jar" GET "$BASE/session" -H "Cookie: next-auth.session-token=garbage; authjs.session-token=garbage; __Secure-authjs.session-token=garbage"
  echo "    deleted: $(deleted_cookies)"

  # carol chunk sizes
  local cjar="$WORK/$name-carol.jar"
  t="$(token "$cjar")"
  curl -sS -o /dev/null -D "$WORK/h" --cacert "$AUTHJS_TEST_CA" -c "$cjar" -b "$cjar" -A probe "${J[@]}" -d "csrfToken=$t" -d username=carol -d password=carol-password "$BASE/callback/credentials"
  echo "carol chunk sizes: $(grep -i '^set-cookie:.*session-token' "$WORK/h" | sed -E 's/^[Ss]et-[Cc]ookie: ([^=]+)=([^;]*).*/\1:\2/' | awk -F: '{ printf "%s=%d ", $1, length($2) }')"
  show "carol GET session (curl, all chunks)" "$cjar" GET "$BASE/session"
  show "carol /api/me" "$cjar" GET "$origin/api/me"
}

probe v4 "$AUTHJS_TEST_V4_URL"
probe v5 "$AUTHJS_TEST_V5_URL"
probe v5-tls "$AUTHJS_TEST_V5_TLS_URL"
probe v4-22 "$AUTHJS_TEST_V4_22_URL"
probe v5-next "$AUTHJS_TEST_V5_NEXT_URL"
probe v5-next-tls "$AUTHJS_TEST_V5_NEXT_TLS_URL"
# Database sessions: the credentials sign-ins above create no session there.
probe v4-db "$AUTHJS_TEST_V4_DB_URL"
probe v5-db "$AUTHJS_TEST_V5_DB_URL"
