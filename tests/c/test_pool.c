/*
 * Many users on one connection pool through the C API (issue 17): user handles
 * (authjs_client_user) that share the pool but not the jar, and the backend lookup
 * (authjs_client_lookup, authjs_client_lookup_object) that forwards the server's
 * Set-Cookie headers; bad input refused with the out-parameters untouched.
 *
 *   test_pool BASE_URL [CA_FILE]
 */
#include "harness.h"

static const char *base_url;
static const char *ca_file;

static AuthjsClient *new_client(void) {
    return harness_client(base_url, ca_file, "");
}

static int sign_in(AuthjsClient *c, const char *user) {
    char fields[256];
    char *out = NULL;
    int ok = 0;
    snprintf(fields, sizeof fields, "{\"username\": \"%s\", \"password\": \"%s-password\"}", user,
             user);
    if (CHECK_STATUS(authjs_sign_in(c, "credentials", fields, NULL, &out), AUTHJS_OK)) {
        ok = CHECK(contains(out, "\"ok\":true"), "%s's sign-in: %s", user, out);
        authjs_string_free(out);
    }
    return ok;
}

/* True when `c`'s session holds `needle` ("null" for signed out). */
static int session_has(AuthjsClient *c, const char *needle) {
    char *out = NULL;
    int ok = 0;
    if (CHECK_STATUS(authjs_get_session(c, &out), AUTHJS_OK)) {
        ok = contains(out, needle);
        authjs_string_free(out);
    }
    return ok;
}

static char *cookie_header(AuthjsClient *c) {
    char *out = NULL;
    CHECK_STATUS(authjs_cookie_header(c, &out), AUTHJS_OK);
    return out;
}

static void test_user_handles(void) {
    AuthjsClient *base = new_client(), *alice = NULL, *bob = NULL, *seeded = NULL;
    AuthjsClient *untouched = (AuthjsClient *)&base;
    char *header;
    harness_context = "user handles";
    if (base == NULL) {
        return;
    }
    CHECK_STATUS(authjs_client_user(base, NULL, &alice), AUTHJS_OK);
    CHECK_STATUS(authjs_client_user(base, NULL, &bob), AUTHJS_OK);
    if (!CHECK(alice != NULL && bob != NULL && alice != bob, "two handles")) {
        authjs_client_free(base);
        return;
    }
    sign_in(alice, "alice");
    sign_in(bob, "bob");
    CHECK(session_has(alice, "alice@example.com"), "alice's handle is alice");
    CHECK(session_has(bob, "bob@example.com"), "bob's handle is bob");
    CHECK(session_has(base, "null"), "the base client stays signed out");

    header = cookie_header(alice);
    /* The pool outlives the client it came from. */
    authjs_client_free(base);
    CHECK(session_has(bob, "bob@example.com"), "bob after the base client was freed");
    if (CHECK_STATUS(authjs_client_user(bob, header, &seeded), AUTHJS_OK)) {
        CHECK(session_has(seeded, "alice@example.com"), "a handle seeded with alice's cookies");
        authjs_client_free(seeded);
    }
    CHECK_STATUS(authjs_client_user(bob, "authjs.session-token=bad value", &untouched),
                 AUTHJS_ERR_INVALID_ARGUMENT);
    CHECK(!contains(authjs_last_error_message(), "bad value"), "the message quotes the cookie");
    CHECK(untouched == (AuthjsClient *)&base, "out_client written on failure");
    CHECK_STATUS(authjs_client_user(NULL, NULL, &untouched), AUTHJS_ERR_NULL_ARGUMENT);
    CHECK_STATUS(authjs_client_user(bob, NULL, NULL), AUTHJS_ERR_NULL_ARGUMENT);
    authjs_string_free(header);
    authjs_client_free(alice);
    authjs_client_free(bob);
}

static void test_lookup(void) {
    AuthjsClient *browser = new_client(), *backend = new_client();
    char *header = NULL, *json = NULL, *before = NULL, *after = NULL;
    char *untouched = (char *)&header;
    AuthjsLookup *found = NULL;
    harness_context = "lookup";
    if (browser == NULL || backend == NULL || !sign_in(browser, "alice") ||
        !sign_in(backend, "carol")) {
        authjs_client_free(browser);
        authjs_client_free(backend);
        return;
    }
    header = cookie_header(browser);
    before = cookie_header(backend);
    if (CHECK_STATUS(authjs_client_lookup(backend, header, &json), AUTHJS_OK)) {
        CHECK(contains(json, "\"session\":{") && contains(json, "alice@example.com"), "%s",
              "alice's session");
        CHECK(contains(json, "\"setCookies\":[\"") && contains(json, "session-token"),
              "the re-issued cookie");
        authjs_string_free(json);
    }
    /* No session cookie: no request, an empty answer. */
    if (CHECK_STATUS(authjs_client_lookup(backend, NULL, &json), AUTHJS_OK)) {
        CHECK(str_eq(json, "{\"session\":null,\"setCookies\":[]}"), "NULL header: %s", json);
        authjs_string_free(json);
    }
    if (CHECK_STATUS(authjs_client_lookup(backend, "theme=dark", &json), AUTHJS_OK)) {
        CHECK(contains(json, "\"session\":null"), "no session cookie: %s", json);
        authjs_string_free(json);
    }

    if (CHECK_STATUS(authjs_client_lookup_object(backend, header, &found), AUTHJS_OK)) {
        AuthjsSession *s = authjs_lookup_take_session(found);
        size_t n = authjs_lookup_set_cookie_count(found), i;
        int path = 0;
        CHECK(s != NULL && str_eq(authjs_session_user_name(s), "Alice Liddell"), "the session");
        CHECK(authjs_lookup_take_session(found) == NULL, "the session taken twice");
        CHECK(n >= 1, "%zu Set-Cookie values", n);
        for (i = 0; i < n; i++) {
            path |= contains(authjs_lookup_set_cookie(found, i), "Path=/");
        }
        CHECK(path, "the attributes are intact");
        CHECK(authjs_lookup_set_cookie(found, n) == NULL, "out of range");
        authjs_lookup_free(found);
        /* A taken session outlives its lookup. */
        CHECK(s != NULL && str_eq(authjs_session_user_email(s), "alice@example.com"), "kept");
        authjs_session_free(s);
    }
    CHECK(authjs_lookup_take_session(NULL) == NULL, "NULL lookup");
    CHECK(authjs_lookup_set_cookie_count(NULL) == 0, "NULL lookup");
    CHECK(authjs_lookup_set_cookie(NULL, 0) == NULL, "NULL lookup");
    authjs_lookup_free(NULL);

    CHECK_STATUS(authjs_client_lookup(backend, "authjs.session-token=bad value", &untouched),
                 AUTHJS_ERR_INVALID_ARGUMENT);
    CHECK(untouched == (char *)&header, "out_json written on failure");
    CHECK_STATUS(authjs_client_lookup(NULL, header, &json), AUTHJS_ERR_NULL_ARGUMENT);
    CHECK_STATUS(authjs_client_lookup(backend, header, NULL), AUTHJS_ERR_NULL_ARGUMENT);
    CHECK_STATUS(authjs_client_lookup_object(backend, header, NULL), AUTHJS_ERR_NULL_ARGUMENT);

    /* The backend's own jar (carol's) was neither sent nor changed. */
    after = cookie_header(backend);
    CHECK(str_eq(before, after), "the backend's jar changed");
    CHECK(session_has(backend, "carol@example.com"), "the backend is still carol");
    authjs_string_free(before);
    authjs_string_free(after);
    authjs_string_free(header);
    authjs_client_free(browser);
    authjs_client_free(backend);
}

int main(int argc, char **argv) {
    char name[64];
    if (argc < 2) {
        fprintf(stderr, "usage: %s BASE_URL [CA_FILE]\n", argv[0]);
        return 2;
    }
    base_url = argv[1];
    ca_file = argc > 2 ? argv[2] : NULL;
    test_user_handles();
    test_lookup();
    snprintf(name, sizeof name, "test_pool[%s]", base_url);
    return finish(name);
}
