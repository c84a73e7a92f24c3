/*
 * The cookie formats through the C API (issue 15): carol's chunked session exported in
 * every format and imported (auto-detected) into a fresh client that the server then
 * recognises; a browser-like storageState with another site's cookie; unknown formats
 * and malformed text refused with the jar unchanged and the out-parameters untouched.
 *
 *   test_handoff BASE_URL [CA_FILE]
 */
#include "harness.h"

static const char *base_url;
static const char *ca_file;

static const char *CAROL = "{\"username\": \"carol\", \"password\": \"carol-password\"}";

static AuthjsClient *new_client(void) {
    return harness_client(base_url, ca_file, "");
}

/* True when `c`'s session is carol's. */
static int is_carol(AuthjsClient *c) {
    char *out = NULL;
    int ok = 0;
    if (CHECK_STATUS(authjs_get_session(c, &out), AUTHJS_OK)) {
        ok = contains(out, "carol@example.com");
        authjs_string_free(out);
    }
    return ok;
}

static void test_every_format(AuthjsClient *carol) {
    static const char *formats[] = {"header", "netscape", "playwright", "webdriver", "jar", "json"};
    static const char *marks[] = {"session-token.2=", "# Netscape HTTP Cookie File",
                                  "\"origins\": []", "\"httpOnly\": true",
                                  "\"version\": 2", "\"hostOnly\": true"};
    size_t i;
    for (i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        char *text = NULL;
        size_t skipped = 99;
        AuthjsClient *fresh;
        harness_context = formats[i];
        if (!CHECK_STATUS(authjs_client_export_cookies(carol, formats[i], &text), AUTHJS_OK)) {
            continue;
        }
        CHECK(contains(text, marks[i]), "%s export lacks %s", formats[i], marks[i]);
        fresh = new_client();
        if (fresh != NULL) {
            /* NULL and "auto" both tell the format from the text; the name works too. */
            CHECK_STATUS(authjs_client_import_cookies(fresh, NULL, text, &skipped), AUTHJS_OK);
            CHECK(skipped == 0, "%s: %zu cookies skipped", formats[i], skipped);
            CHECK_STATUS(authjs_client_import_cookies(fresh, "auto", text, NULL), AUTHJS_OK);
            CHECK_STATUS(authjs_client_import_cookies(fresh, formats[i], text, NULL), AUTHJS_OK);
            CHECK(is_carol(fresh), "%s: the imported session is not carol's", formats[i]);
            authjs_client_free(fresh);
        }
        authjs_string_free(text);
    }
}

static void test_browser_state_and_refusals(AuthjsClient *carol) {
    char *state = NULL, *header = NULL, *after = NULL, *out = (char *)&state;
    size_t skipped = 0;
    AuthjsClient *fresh;
    harness_context = "browser storageState";
    if (!CHECK_STATUS(authjs_client_export_cookies(carol, "playwright", &state), AUTHJS_OK)) {
        return;
    }
    /* A browser's storageState also holds other sites' cookies: append one. */
    {
        const char *extra = "{\"name\": \"_gh_sess\", \"value\": \"x\", \"domain\": "
                            "\"github.com\", \"path\": \"/\", \"expires\": -1, \"httpOnly\": "
                            "true, \"secure\": true, \"sameSite\": \"Lax\"}, ";
        const char *at = strstr(state, "\"cookies\": [");
        size_t n = strlen(state) + strlen(extra) + 1;
        char *browser = malloc(n);
        if (CHECK(at != NULL && browser != NULL, "storageState shape")) {
            size_t head = (size_t)(at - state) + strlen("\"cookies\": [");
            memcpy(browser, state, head);
            strcpy(browser + head, extra);
            strcat(browser, state + head);
            fresh = new_client();
            if (fresh != NULL) {
                CHECK_STATUS(authjs_client_import_cookies(fresh, "playwright", browser, &skipped),
                             AUTHJS_OK);
                CHECK(skipped == 1, "%zu skipped, expected the github.com cookie", skipped);
                CHECK(is_carol(fresh), "session after the browser import");
                authjs_client_free(fresh);
            }
        }
        free(browser);
    }

    harness_context = "refusals";
    if (CHECK_STATUS(authjs_cookie_header(carol, &header), AUTHJS_OK)) {
        CHECK_STATUS(authjs_client_export_cookies(carol, "yaml", &out), AUTHJS_ERR_INVALID_ARGUMENT);
        CHECK(out == (char *)&state, "out written on failure");
        CHECK_STATUS(authjs_client_export_cookies(carol, "auto", &out), AUTHJS_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(authjs_client_import_cookies(carol, "yaml", state, NULL),
                     AUTHJS_ERR_INVALID_ARGUMENT);
        skipped = 77;
        CHECK_STATUS(authjs_client_import_cookies(carol, NULL, "{\"cookies\": 5}", &skipped),
                     AUTHJS_ERR_INVALID_ARGUMENT);
        CHECK(skipped == 77, "skipped written on failure");
        CHECK_STATUS(authjs_client_import_cookies(carol, "playwright", "[1, 2", NULL),
                     AUTHJS_ERR_INVALID_ARGUMENT);
        CHECK_STATUS(authjs_client_import_cookies(carol, NULL, NULL, NULL), AUTHJS_ERR_NULL_ARGUMENT);
        CHECK_STATUS(authjs_client_import_cookies(NULL, NULL, state, NULL), AUTHJS_ERR_NULL_ARGUMENT);
        CHECK_STATUS(authjs_client_export_cookies(carol, NULL, &out), AUTHJS_ERR_NULL_ARGUMENT);
        CHECK_STATUS(authjs_client_export_cookies(carol, "jar", NULL), AUTHJS_ERR_NULL_ARGUMENT);
        if (CHECK_STATUS(authjs_cookie_header(carol, &after), AUTHJS_OK)) {
            CHECK(str_eq(header, after), "the jar changed after refused imports");
            authjs_string_free(after);
        }
        authjs_string_free(header);
    }
    authjs_string_free(state);
}

int main(int argc, char **argv) {
    AuthjsClient *carol;
    char *out = NULL;
    char name[64];
    if (argc < 2) {
        fprintf(stderr, "usage: %s BASE_URL [CA_FILE]\n", argv[0]);
        return 2;
    }
    base_url = argv[1];
    ca_file = argc > 2 ? argv[2] : NULL;
    carol = new_client();
    if (carol != NULL) {
        if (CHECK_STATUS(authjs_sign_in(carol, "credentials", CAROL, NULL, &out), AUTHJS_OK)) {
            CHECK(contains(out, "\"ok\":true"), "carol's sign-in: %s", out);
            authjs_string_free(out);
            test_every_format(carol);
            test_browser_state_and_refusals(carol);
        }
        authjs_client_free(carol);
    }
    snprintf(name, sizeof name, "test_handoff[%s]", base_url);
    return finish(name);
}
