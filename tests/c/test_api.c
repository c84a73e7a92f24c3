/*
 * C API tests against a real Auth.js server (next-auth v4 or @auth/express v5):
 * every operation, the JSON and native-object forms, and the statuses a real server
 * produces (wrong password, unknown provider, timeout, HTTP error, TLS).
 *
 *   test_api BASE_URL MAIL_DIR [CA_FILE]
 *
 * With CA_FILE the server is the https one and the CA signed its certificate.
 */
#include "harness.h"

static const char *base_url;
static const char *mail_dir;
static const char *ca_file;

static const char *ALICE = "{\"username\": \"alice\", \"password\": \"alice-password\"}";

/* Client options for this server (the CA when it is the https one), plus `extra`
 * (a JSON fragment without braces, may be empty). */
static AuthjsClient *new_client(const char *extra) {
    return harness_client(base_url, ca_file, extra);
}

static int sign_in_alice(AuthjsClient *c) {
    char *out = NULL;
    int ok = 0;
    if (CHECK_STATUS(authjs_sign_in(c, "credentials", ALICE, NULL, &out), AUTHJS_OK)) {
        ok = contains(out, "\"ok\":true") && contains(out, "\"error\":null");
        CHECK(ok, "alice's sign-in result: %s", out);
        CHECK(!contains(out, "alice-password"), "result leaks the password");
        authjs_string_free(out);
    }
    return ok;
}

static void test_signed_out(AuthjsClient *c) {
    char *out = NULL;
    AuthjsSession *session = (AuthjsSession *)&out;
    harness_context = "signed out";

    if (CHECK_STATUS(authjs_get_session(c, &out), AUTHJS_OK)) {
        CHECK(str_eq(out, "null"), "session when signed out: %s", out);
        authjs_string_free(out);
    }
    CHECK_STATUS(authjs_get_session_object(c, &session), AUTHJS_OK);
    CHECK(session == NULL, "session object when signed out is not NULL");

    out = NULL;
    if (CHECK_STATUS(authjs_get_csrf_token(c, &out), AUTHJS_OK)) {
        CHECK(out != NULL && strlen(out) >= 16, "csrf token looks wrong");
        authjs_string_free(out);
    }

    out = NULL;
    if (CHECK_STATUS(authjs_request(c, "GET", "/api/me", NULL, &out), AUTHJS_OK)) {
        CHECK(contains(out, "\"status\":401"), "/api/me without a session: %s", out);
        authjs_string_free(out);
    }

    out = NULL;
    if (CHECK_STATUS(authjs_update_session(c, NULL, &out), AUTHJS_OK)) {
        CHECK(str_eq(out, "null"), "update_session when signed out: %s", out);
        authjs_string_free(out);
    }
}

static void test_providers(AuthjsClient *c) {
    char *out = NULL;
    AuthjsProviders *p = NULL;
    size_t n, i;
    harness_context = "providers";

    if (CHECK_STATUS(authjs_get_providers(c, &out), AUTHJS_OK)) {
        CHECK(contains(out, "\"credentials\":{") && contains(out, "\"email\":{") &&
                  contains(out, "\"github\":{"),
              "providers JSON: %s", out);
        CHECK(contains(out, "\"signinUrl\":\"") && contains(out, "\"callbackUrl\":\"") &&
                  contains(out, "\"type\":\"oauth\""),
              "providers JSON fields: %s", out);
        authjs_string_free(out);
    }
    if (!CHECK_STATUS(authjs_get_providers_object(c, &p), AUTHJS_OK)) {
        return;
    }
    n = authjs_providers_count(p);
    CHECK(n == 5, "provider count %zu", n);
    /* In id order. */
    CHECK(str_eq(authjs_providers_id(p, 0), "credentials"), "provider 0 id");
    CHECK(str_eq(authjs_providers_id(p, 1), "email"), "provider 1 id");
    CHECK(str_eq(authjs_providers_id(p, 2), "github"), "provider 2 id");
    CHECK(str_eq(authjs_providers_id(p, 3), "oidc"), "provider 3 id");
    CHECK(str_eq(authjs_providers_id(p, 4), "oidc-form"), "provider 4 id");
    CHECK(str_eq(authjs_providers_type(p, 0), "credentials"), "credentials type");
    CHECK(str_eq(authjs_providers_type(p, 1), "email"), "email type");
    CHECK(str_eq(authjs_providers_type(p, 2), "oauth"), "github type");
    CHECK(str_eq(authjs_providers_name(p, 2), "GitHub"), "github name %s",
          authjs_providers_name(p, 2));
    for (i = 0; i < n; i++) {
        CHECK(contains(authjs_providers_signin_url(p, i), "/api/auth/signin/"),
              "signinUrl %s", authjs_providers_signin_url(p, i));
        CHECK(contains(authjs_providers_callback_url(p, i), "/api/auth/callback/"),
              "callbackUrl %s", authjs_providers_callback_url(p, i));
    }
    CHECK(authjs_providers_id(p, n) == NULL, "id out of range");
    CHECK(authjs_providers_name(p, n) == NULL, "name out of range");
    CHECK(authjs_providers_type(p, (size_t)-1) == NULL, "type out of range");
    CHECK(authjs_providers_signin_url(p, n) == NULL, "signin_url out of range");
    CHECK(authjs_providers_callback_url(p, n) == NULL, "callback_url out of range");
    authjs_providers_free(p);
}

static void test_refused_sign_ins(AuthjsClient *c) {
    char *out = NULL;
    AuthjsSignInResult *r = NULL;
    harness_context = "refused sign-ins";

    /* Wrong password: a success with ok=false, not an error status. */
    if (CHECK_STATUS(authjs_sign_in(c, "credentials",
                                    "{\"username\": \"alice\", \"password\": \"wrong-SECRET\"}",
                                    NULL, &out),
                     AUTHJS_OK)) {
        CHECK(contains(out, "\"ok\":false") && contains(out, "\"error\":\"CredentialsSignin\""),
              "wrong password result: %s", out);
        CHECK(contains(out, "\"url\":null"), "wrong password url: %s", out);
        CHECK(!contains(out, "wrong-SECRET"), "result leaks the password");
        authjs_string_free(out);
    }
    if (CHECK_STATUS(authjs_sign_in_result(c, "credentials",
                                           "{\"username\": \"bob\", \"password\": \"nope\"}",
                                           NULL, &r),
                     AUTHJS_OK)) {
        CHECK(!authjs_sign_in_result_ok(r), "wrong password ok");
        CHECK(str_eq(authjs_sign_in_result_error(r), "CredentialsSignin"), "error %s",
              authjs_sign_in_result_error(r));
        CHECK(authjs_sign_in_result_url(r) == NULL, "url on error");
        CHECK(authjs_sign_in_result_status(r) != 0, "status 0");
        authjs_sign_in_result_free(r);
    }

    /* Unknown provider. */
    out = (char *)&r;
    CHECK_STATUS(authjs_sign_in(c, "twitter", ALICE, NULL, &out), AUTHJS_ERR_UNKNOWN_PROVIDER);
    CHECK(contains(authjs_last_error_message(), "credentials") &&
              contains(authjs_last_error_message(), "github"),
          "message lists the known ids: %s", authjs_last_error_message());
    CHECK(out == (char *)&r, "out_json written on failure");
    r = (AuthjsSignInResult *)&out;
    CHECK_STATUS(authjs_sign_in_result(c, "twitter", NULL, NULL, &r),
                 AUTHJS_ERR_UNKNOWN_PROVIDER);
    CHECK(r == (AuthjsSignInResult *)&out, "result written on failure");

    /* Still signed out. */
    out = NULL;
    if (CHECK_STATUS(authjs_get_session(c, &out), AUTHJS_OK)) {
        CHECK(str_eq(out, "null"), "session after refused sign-ins: %s", out);
        authjs_string_free(out);
    }
}

static void test_oauth_and_page(AuthjsClient *c) {
    char *out = NULL;
    AuthjsSignInResult *r = NULL;
    harness_context = "oauth sign-in";
    /* The authorize URL comes back; nothing is fetched from GitHub. */
    if (CHECK_STATUS(authjs_sign_in(c, "github", "{\"callbackUrl\": \"/after\"}",
                                    "{\"prompt\": \"consent\", \"login_hint\": \"alice\"}",
                                    &out),
                     AUTHJS_OK)) {
        CHECK(contains(out, "\"ok\":true") &&
                  contains(out, "https://github.com/login/oauth/authorize"),
              "github result: %s", out);
        CHECK(contains(out, "prompt=consent") && contains(out, "login_hint=alice"),
              "authorization params not forwarded: %s", out);
        authjs_string_free(out);
    }
    /* A form_post callback (the OIDC flow itself is tested once, in tests/oauth.rs): the
     * fields reach the server as a POST body, which refuses a state this client's flow
     * did not send (v4: OAuthCallback, v5: Configuration). */
    out = NULL;
    if (CHECK_STATUS(authjs_sign_in(c, "oidc-form", NULL, NULL, &out), AUTHJS_OK)) {
        CHECK(contains(out, "\"ok\":true") && contains(out, "response_mode=form_post"),
              "oidc-form result: %s", out);
        authjs_string_free(out);
    }
    {
        char action[512];
        snprintf(action, sizeof action, "%s/api/auth/callback/oidc-form", base_url);
        out = NULL;
        if (CHECK_STATUS(authjs_complete_sign_in_form(
                             c, action, "{\"code\": \"c-test-code\", \"state\": \"forged\"}",
                             &out),
                         AUTHJS_OK)) {
            CHECK(contains(out, "\"ok\":false") &&
                      (contains(out, "\"error\":\"OAuthCallback\"") ||
                       contains(out, "\"error\":\"Configuration\"")),
                  "form_post with a forged state: %s", out);
            authjs_string_free(out);
        }
    }
    if (CHECK_STATUS(authjs_sign_in_result(c, NULL, NULL, NULL, &r), AUTHJS_OK)) {
        CHECK(authjs_sign_in_result_ok(r), "sign-in page ok");
        CHECK(authjs_sign_in_result_status(r) == 0, "sign-in page status");
        CHECK(contains(authjs_sign_in_result_url(r), "/api/auth/signin"), "sign-in page url %s",
              authjs_sign_in_result_url(r));
        CHECK(authjs_sign_in_result_error(r) == NULL && authjs_sign_in_result_code(r) == NULL,
              "sign-in page error/code");
        authjs_sign_in_result_free(r);
    }
}

static void test_signed_in(AuthjsClient *c) {
    char *out = NULL;
    AuthjsSession *s = NULL;
    AuthjsSignInResult *r = NULL;
    char cookie_path[256];
    harness_context = "signed in";

    if (!CHECK_STATUS(authjs_sign_in_result(c, "credentials", ALICE, NULL, &r), AUTHJS_OK)) {
        return;
    }
    CHECK(authjs_sign_in_result_ok(r), "alice not signed in");
    CHECK(authjs_sign_in_result_status(r) == 200, "status %u",
          (unsigned)authjs_sign_in_result_status(r));
    CHECK(authjs_sign_in_result_error(r) == NULL, "error %s", authjs_sign_in_result_error(r));
    CHECK(authjs_sign_in_result_code(r) == NULL, "code %s", authjs_sign_in_result_code(r));
    CHECK(contains(authjs_sign_in_result_url(r), base_url), "url %s",
          authjs_sign_in_result_url(r));
    authjs_sign_in_result_free(r);

    if (CHECK_STATUS(authjs_get_session(c, &out), AUTHJS_OK)) {
        CHECK(contains(out, "\"name\":\"Alice Liddell\"") &&
                  contains(out, "\"role\":\"admin\"") && contains(out, "\"expires\":\""),
              "session JSON: %s", out);
        authjs_string_free(out);
    }

    if (CHECK_STATUS(authjs_get_session_object(c, &s), AUTHJS_OK) &&
        CHECK(s != NULL, "no session object")) {
        char *field = (char *)&s;
        CHECK(str_eq(authjs_session_user_name(s), "Alice Liddell"), "name %s",
              authjs_session_user_name(s));
        CHECK(str_eq(authjs_session_user_email(s), "alice@example.com"), "email %s",
              authjs_session_user_email(s));
        CHECK(str_eq(authjs_session_user_image(s), "https://example.com/alice.png"),
              "image %s", authjs_session_user_image(s));
        CHECK(authjs_session_expires(s) != NULL && strlen(authjs_session_expires(s)) >= 20,
              "expires %s", authjs_session_expires(s));
        CHECK(contains(authjs_session_json(s), "\"role\":\"admin\""), "json %s",
              authjs_session_json(s));
        if (CHECK_STATUS(authjs_session_get(s, "role", &field), AUTHJS_OK)) {
            CHECK(str_eq(field, "\"admin\""), "role %s", field);
            authjs_string_free(field);
        }
        if (CHECK_STATUS(authjs_session_get(s, "user", &field), AUTHJS_OK)) {
            CHECK(contains(field, "\"email\":\"alice@example.com\""), "user %s", field);
            authjs_string_free(field);
        }
        field = (char *)&s;
        if (CHECK_STATUS(authjs_session_get(s, "no-such-field", &field), AUTHJS_OK)) {
            CHECK(field == NULL, "missing field is not NULL");
        }
        field = (char *)&s;
        CHECK_STATUS(authjs_session_get(s, NULL, &field), AUTHJS_ERR_NULL_ARGUMENT);
        CHECK_STATUS(authjs_session_get(s, "role", NULL), AUTHJS_ERR_NULL_ARGUMENT);
        CHECK_STATUS(authjs_session_get(s, "\xc3\x28", &field), AUTHJS_ERR_INVALID_UTF8);
        CHECK(field == (char *)&s, "field written on failure");

        /* Typed fields: kinds, and values without JSON quoting. */
        CHECK(authjs_session_field_kind(s, "role") == AUTHJS_VALUE_STRING, "role kind");
        CHECK(authjs_session_field_kind(s, "user") == AUTHJS_VALUE_OBJECT, "user kind");
        CHECK(authjs_session_field_kind(s, "paddingLength") == AUTHJS_VALUE_NUMBER,
              "paddingLength kind");
        CHECK(authjs_session_field_kind(s, "no-such-field") == AUTHJS_VALUE_MISSING,
              "missing kind");
        CHECK(authjs_session_field_kind(s, NULL) == AUTHJS_VALUE_MISSING, "NULL key kind");
        CHECK(authjs_session_field_kind(NULL, "role") == AUTHJS_VALUE_MISSING, "NULL kind");
        field = NULL;
        if (CHECK_STATUS(authjs_session_get_string(s, "role", &field), AUTHJS_OK)) {
            CHECK(str_eq(field, "admin"), "role string %s", field);
            authjs_string_free(field);
        }
        {
            double n = -1;
            bool b = true;
            if (CHECK_STATUS(authjs_session_get_number(s, "paddingLength", &n), AUTHJS_OK)) {
                CHECK(n == 0, "paddingLength %g", n);
            }
            n = -1;
            CHECK_STATUS(authjs_session_get_number(s, "role", &n), AUTHJS_ERR_INVALID_ARGUMENT);
            CHECK(contains(authjs_last_error_message(), "a string, not a number") &&
                      !contains(authjs_last_error_message(), "admin"),
                  "kind mismatch message: %s", authjs_last_error_message());
            CHECK(n == -1, "number written on failure");
            CHECK_STATUS(authjs_session_get_bool(s, "no-such-field", &b),
                         AUTHJS_ERR_INVALID_ARGUMENT);
            CHECK(b, "bool written on failure");
            CHECK_STATUS(authjs_session_get_bool(s, "role", NULL), AUTHJS_ERR_NULL_ARGUMENT);
        }
        field = (char *)&s;
        CHECK_STATUS(authjs_session_get_string(s, "user", &field), AUTHJS_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(authjs_session_get_string(s, NULL, &field), AUTHJS_ERR_NULL_ARGUMENT);
        CHECK_STATUS(authjs_session_get_string(NULL, "role", &field), AUTHJS_ERR_NULL_ARGUMENT);
        CHECK(field == (char *)&s, "string written on failure");
        authjs_session_free(s);
    }

    /* The app's own routes, with the session cookie. */
    out = NULL;
    if (CHECK_STATUS(authjs_request(c, "GET", "/api/me", NULL, &out), AUTHJS_OK)) {
        CHECK(contains(out, "\"status\":200") && contains(out, "admin") &&
                  contains(out, "\"headers\":{"),
              "/api/me: %s", out);
        authjs_string_free(out);
    }
    out = NULL;
    if (CHECK_STATUS(authjs_request(c, "POST", "/api/echo", "{\"hello\": [1, 2]}", &out),
                     AUTHJS_OK)) {
        CHECK(contains(out, "\"status\":200") && contains(out, "application/json"),
              "JSON body: %s", out);
        authjs_string_free(out);
    }
    out = NULL;
    if (CHECK_STATUS(authjs_request(c, "PUT", "/api/echo", "plain words", &out), AUTHJS_OK)) {
        CHECK(contains(out, "text/plain") && contains(out, "plain words") &&
                  contains(out, "PUT"),
              "text body: %s", out);
        authjs_string_free(out);
    }
    {
        /* The typed response: status, headers by index and by name, body bytes. */
        AuthjsResponse *r = NULL;
        AuthjsHeader h[1];
        size_t i, n, len = 0;
        const uint8_t *body;
        static const uint8_t bytes[] = {'x', 0, 0xff, 'y'};
        h[0].name = "X-Ignored";
        h[0].value = "1";
        if (CHECK_STATUS(authjs_request_object(c, "GET", "/api/me", h, 1, NULL, 0, &r),
                         AUTHJS_OK)) {
            CHECK(authjs_response_status(r) == 200, "status %u",
                  (unsigned)authjs_response_status(r));
            n = authjs_response_header_count(r);
            CHECK(n > 0, "headers");
            for (i = 0; i < n; i++) {
                CHECK(authjs_response_header_name(r, i) != NULL &&
                          authjs_response_header_value(r, i) != NULL,
                      "header %zu", i);
                CHECK(strcasecmp(authjs_response_header_name(r, i), "set-cookie") != 0,
                      "Set-Cookie goes to the jar");
            }
            CHECK(authjs_response_header_name(r, n) == NULL, "header name out of range");
            CHECK(authjs_response_header_value(r, (size_t)-1) == NULL, "value out of range");
            CHECK(contains(authjs_response_header(r, "CONTENT-TYPE"), "application/json"),
                  "header by name, any case: %s", authjs_response_header(r, "CONTENT-TYPE"));
            CHECK(authjs_response_header(r, "x-no-such-header") == NULL, "absent header");
            CHECK(authjs_response_header(r, NULL) == NULL, "NULL header name");
            body = authjs_response_body(r, &len);
            CHECK(body != NULL && len == strlen((const char *)body) &&
                      contains((const char *)body, "\"role\":\"admin\""),
                  "body %s", (const char *)body);
            CHECK(authjs_response_body(r, NULL) == body, "body without its length");
            out = NULL;
            if (CHECK_STATUS(authjs_response_json(r, &out), AUTHJS_OK)) {
                CHECK(contains(out, "\"status\":200") && contains(out, "\"headers\":{"),
                      "response JSON %s", out);
                authjs_string_free(out);
            }
            authjs_response_free(r);
        }
        /* Binary bodies arrive as application/octet-stream. */
        r = NULL;
        if (CHECK_STATUS(authjs_request_object(c, "POST", "/api/echo", NULL, 0, bytes,
                                               sizeof bytes, &r),
                         AUTHJS_OK)) {
            body = authjs_response_body(r, &len);
            CHECK(contains((const char *)body, "\"contentType\":\"application/octet-stream\""),
                  "binary body: %s", (const char *)body);
            authjs_response_free(r);
        }
        /* The core refuses the headers it manages; nothing is written. */
        r = (AuthjsResponse *)&out;
        h[0].name = "Cookie";
        h[0].value = "a=b";
        CHECK_STATUS(authjs_request_object(c, "GET", "/api/me", h, 1, NULL, 0, &r),
                     AUTHJS_ERR_INVALID_ARGUMENT);
        CHECK(!contains(authjs_last_error_message(), "a=b"), "header value in the message");
        CHECK(r == (AuthjsResponse *)&out, "response written on failure");
    }
    {
        /* A full URL of the same origin works too. */
        char url[512];
        snprintf(url, sizeof url, "%s/api/me", base_url);
        out = NULL;
        if (CHECK_STATUS(authjs_request(c, "GET", url, NULL, &out), AUTHJS_OK)) {
            CHECK(contains(out, "\"status\":200"), "/api/me by URL: %s", out);
            authjs_string_free(out);
        }
    }

    /* Cookies: the header, and a file another client can load. */
    out = NULL;
    if (CHECK_STATUS(authjs_cookie_header(c, &out), AUTHJS_OK)) {
        AuthjsClient *seeded;
        char extra[8192];
        CHECK(contains(out, "session-token="), "cookie header lacks the session cookie");
        /* cookieHeader seeds a new client's jar. */
        snprintf(extra, sizeof extra, "\"cookieHeader\": \"%s\"", out);
        seeded = new_client(extra);
        if (seeded != NULL) {
            char *json = NULL;
            if (CHECK_STATUS(authjs_get_session(seeded, &json), AUTHJS_OK)) {
                CHECK(contains(json, "Alice Liddell"), "cookieHeader client: %s", json);
                authjs_string_free(json);
            }
            authjs_client_free(seeded);
        }
        authjs_string_free(out);
    }
    snprintf(cookie_path, sizeof cookie_path, "/tmp/authjs-c-api-%ld.json", (long)getpid());
    if (CHECK_STATUS(authjs_save_cookies(c, cookie_path), AUTHJS_OK)) {
        AuthjsClient *other = new_client("");
        if (other != NULL) {
            CHECK_STATUS(authjs_load_cookies(other, cookie_path), AUTHJS_OK);
            out = NULL;
            if (CHECK_STATUS(authjs_get_session(other, &out), AUTHJS_OK)) {
                CHECK(contains(out, "Alice Liddell"), "loaded cookies: %s", out);
                authjs_string_free(out);
            }
            authjs_client_free(other);
        }
        unlink(cookie_path);
    }

    /* update(): the server's jwt callback copies `name`. */
    out = NULL;
    if (CHECK_STATUS(authjs_update_session(c, "{\"name\": \"Alice Updated\"}", &out),
                     AUTHJS_OK)) {
        CHECK(contains(out, "\"name\":\"Alice Updated\""), "updated session: %s", out);
        authjs_string_free(out);
    }
    out = NULL;
    if (CHECK_STATUS(authjs_update_session(c, "null", &out), AUTHJS_OK)) {
        CHECK(contains(out, "\"name\":\"Alice Updated\""), "refreshed session: %s", out);
        authjs_string_free(out);
    }

    /* Sign out. */
    out = NULL;
    if (CHECK_STATUS(authjs_sign_out(c, "{\"callbackUrl\": \"/bye\", \"redirect\": false}", &out),
                     AUTHJS_OK)) {
        CHECK(contains(out, "{\"url\":\"") && contains(out, "/bye"), "sign-out result: %s",
              out);
        authjs_string_free(out);
    }
    out = NULL;
    if (CHECK_STATUS(authjs_get_session(c, &out), AUTHJS_OK)) {
        CHECK(str_eq(out, "null"), "session after sign-out: %s", out);
        authjs_string_free(out);
    }
    out = NULL;
    if (CHECK_STATUS(authjs_cookie_header(c, &out), AUTHJS_OK)) {
        CHECK(!contains(out, "session-token="), "session cookie survived sign-out");
        authjs_string_free(out);
    }
    out = NULL;
    if (CHECK_STATUS(authjs_request(c, "GET", "/api/me", NULL, &out), AUTHJS_OK)) {
        CHECK(contains(out, "\"status\":401"), "/api/me after sign-out: %s", out);
        authjs_string_free(out);
    }
}

static void test_cookie_file_option(void) {
    char path[256], extra[512];
    AuthjsClient *a, *b;
    harness_context = "cookieFile option";
    snprintf(path, sizeof path, "/tmp/authjs-c-jar-%ld.json", (long)getpid());
    unlink(path);
    snprintf(extra, sizeof extra, "\"cookieFile\": \"%s\"", path);
    a = new_client(extra);
    if (a == NULL) {
        return;
    }
    if (sign_in_alice(a)) {
        char *out = NULL;
        b = new_client(extra);
        if (b != NULL && CHECK_STATUS(authjs_get_session(b, &out), AUTHJS_OK)) {
            CHECK(contains(out, "Alice Liddell"), "second client with the same file: %s", out);
            authjs_string_free(out);
        }
        authjs_client_free(b);
        out = NULL;
        if (CHECK_STATUS(authjs_sign_out(a, NULL, &out), AUTHJS_OK)) {
            authjs_string_free(out);
        }
    }
    authjs_client_free(a);
    unlink(path);
}

static void test_email_magic_link(void) {
    char path[512], email[128], options[256];
    char *out = NULL;
    char *link;
    AuthjsClient *c = new_client("");
    harness_context = "email magic link";
    if (c == NULL) {
        return;
    }
    /* An address of its own, so that concurrent test suites never share a link. */
    snprintf(email, sizeof email, "c-test-%ld-%ld@example.com", (long)getpid(),
             (long)time(NULL));
    snprintf(options, sizeof options, "{\"email\": \"%s\"}", email);
    snprintf(path, sizeof path, "%s/%s.txt", mail_dir, email);
    unlink(path);
    if (CHECK_STATUS(authjs_sign_in(c, "email", options, NULL, &out), AUTHJS_OK)) {
        CHECK(contains(out, "\"ok\":true") && contains(out, "verify-request"),
              "email sign-in result: %s", out);
        authjs_string_free(out);
    }
    link = wait_for_file(path, 10000);
    CHECK(link != NULL, "no magic link in %s", path);
    if (link != NULL) {
        out = NULL;
        if (CHECK_STATUS(authjs_complete_sign_in(c, link, &out), AUTHJS_OK)) {
            CHECK(contains(out, "\"ok\":true"), "complete_sign_in result: %s", out);
            authjs_string_free(out);
        }
        out = NULL;
        if (CHECK_STATUS(authjs_get_session(c, &out), AUTHJS_OK)) {
            CHECK(contains(out, email), "session after the magic link: %s", out);
            authjs_string_free(out);
        }
        free(link);
    }
    out = NULL;
    if (CHECK_STATUS(authjs_sign_out(c, NULL, &out), AUTHJS_OK)) {
        authjs_string_free(out);
    }
    authjs_client_free(c);
}

static void test_transport_statuses(void) {
    AuthjsClient *c;
    char *out = (char *)&c;
    harness_context = "timeout, HTTP error, TLS";

    /* Overall timeout. */
    c = new_client("\"timeoutMs\": 400");
    if (c != NULL) {
        CHECK_STATUS(authjs_request(c, "GET", "/api/slow?ms=3000", NULL, &out),
                     AUTHJS_ERR_TIMEOUT);
        authjs_client_free(c);
    }

    /* A wrong base path: the server answers 404. */
    c = new_client("\"basePath\": \"/no/such/auth\"");
    if (c != NULL) {
        CHECK_STATUS(authjs_get_session(c, &out), AUTHJS_ERR_HTTP);
        CHECK(contains(authjs_last_error_message(), "404"), "HTTP message: %s",
              authjs_last_error_message());
        authjs_client_free(c);
    }

    if (ca_file != NULL) {
        /* Without the test CA the certificate is untrusted. */
        c = authjs_client_new(base_url, NULL);
        CHECK(c != NULL, "client without CA");
        if (c != NULL) {
            CHECK_STATUS(authjs_get_session(c, &out), AUTHJS_ERR_TLS);
            authjs_client_free(c);
        }
        /* The CA as PEM text works like the file. */
        {
            char *pem = read_text_file(ca_file);
            char *options = NULL, *p;
            size_t len = pem ? strlen(pem) : 0;
            CHECK(pem != NULL, "cannot read %s", ca_file);
            if (pem != NULL) {
                options = (char *)malloc(len * 2 + 64);
                p = options;
                p += sprintf(p, "{\"caCertPem\": \"");
                for (size_t i = 0; i < len; i++) {
                    if (pem[i] == '\n') {
                        *p++ = '\\';
                        *p++ = 'n';
                    } else if (pem[i] != '\r') {
                        *p++ = pem[i];
                    }
                }
                strcpy(p, "\"}");
                c = authjs_client_new(base_url, options);
                CHECK(c != NULL, "client with caCertPem");
                if (c != NULL) {
                    char *json = NULL;
                    if (CHECK_STATUS(authjs_get_session(c, &json), AUTHJS_OK)) {
                        authjs_string_free(json);
                    }
                    authjs_client_free(c);
                }
                free(options);
                free(pem);
            }
        }
    }
    CHECK(out == (char *)&c, "out_json written on failure");
}

int main(int argc, char **argv) {
    AuthjsClient *c;
    char name[64];
    if (argc < 3) {
        fprintf(stderr, "usage: %s BASE_URL MAIL_DIR [CA_FILE]\n", argv[0]);
        return 2;
    }
    base_url = argv[1];
    mail_dir = argv[2];
    ca_file = argc > 3 ? argv[3] : NULL;

    c = new_client("\"userAgent\": \"authjs-c-tests\", \"timeoutMs\": 30000");
    if (c != NULL) {
        test_signed_out(c);
        test_providers(c);
        test_refused_sign_ins(c);
        test_oauth_and_page(c);
        test_signed_in(c);
        authjs_client_free(c);
    }
    test_cookie_file_option();
    test_email_magic_link();
    test_transport_statuses();
    snprintf(name, sizeof name, "test_api[%s]", base_url);
    return finish(name);
}
