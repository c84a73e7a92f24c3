/*
 * Session tokens through the C API (issue 19): authjs_token_decode and
 * authjs_token_mint against a real server, their error statuses, and a library built
 * without the `jwt` feature answering AUTHJS_ERR_UNSUPPORTED.
 *
 *   test_tokens jwt BASE_URL SECRET COOKIE_NAME [CA_FILE]   (library built with jwt)
 *   test_tokens nojwt                                      (library built without)
 *
 * The secret is passed in argv by the test script only (a test secret); programs
 * should read it from the environment or a file.
 */
#include "harness.h"

static const char *base_url;
static const char *ca_file;

static AuthjsClient *new_client(void) {
    return harness_client(base_url, ca_file, "");
}

static void test_without_jwt(void) {
    const char *secrets[] = {"s"};
    char *out = (char *)&secrets, *name = (char *)&secrets;
    char *untouched = out;
    harness_context = "without jwt";
    CHECK_STATUS(authjs_token_decode("x=1", NULL, secrets, 1, &out, &name),
                 AUTHJS_ERR_UNSUPPORTED);
    CHECK_STATUS(authjs_token_mint("{}", "authjs.session-token", secrets, 1, 0, NULL, NULL, &out),
                 AUTHJS_ERR_UNSUPPORTED);
    CHECK(out == untouched && name == untouched, "out-parameters untouched");
    CHECK(contains(authjs_last_error_message(), "jwt"), "the message names the feature");
    CHECK(strcmp(authjs_status_name(AUTHJS_ERR_UNSUPPORTED), "AUTHJS_ERR_UNSUPPORTED") == 0,
          "status name");
}

static void test_with_jwt(const char *secret, const char *cookie_name) {
    const char *secrets[] = {"a-rotated-out-secret", secret};
    const char *server_first[] = {secret};
    const char *wrong[] = {"wrong-secret"};
    char fields[] = "{\"username\": \"alice\", \"password\": \"alice-password\"}";
    char *out = NULL, *claims = NULL, *name = NULL, *header = NULL, *cookie = NULL;
    char *untouched = (char *)&out, *keep;
    AuthjsClient *c = new_client(), *minted = NULL;
    harness_context = "with jwt";
    if (c == NULL) {
        return;
    }
    /* A cookie the server issued decodes (rotation: the second secret is the server's). */
    if (CHECK_STATUS(authjs_sign_in(c, "credentials", fields, NULL, &out), AUTHJS_OK)) {
        authjs_string_free(out);
    }
    CHECK_STATUS(authjs_cookie_header(c, &header), AUTHJS_OK);
    if (CHECK_STATUS(authjs_token_decode(header, NULL, secrets, 2, &claims, &name), AUTHJS_OK)) {
        CHECK(contains(claims, "\"email\":\"alice@example.com\""), "claims: alice");
        CHECK(strcmp(name, cookie_name) == 0, "cookie name %s", name);
        authjs_string_free(claims);
        authjs_string_free(name);
    }
    /* Errors: typed, out-parameters untouched, no secret in the message. */
    keep = untouched;
    CHECK_STATUS(authjs_token_decode(header, NULL, wrong, 1, &keep, NULL),
                 AUTHJS_ERR_TOKEN_INVALID);
    CHECK(keep == untouched, "untouched on failure");
    CHECK(!contains(authjs_last_error_message(), "wrong-secret"), "no secret in the message");
    CHECK_STATUS(authjs_token_decode(header, NULL, secrets, 0, &keep, NULL),
                 AUTHJS_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(authjs_token_decode(NULL, NULL, secrets, 1, &keep, NULL),
                 AUTHJS_ERR_NULL_ARGUMENT);
    CHECK_STATUS(authjs_token_decode(header, NULL, secrets, 1, NULL, NULL),
                 AUTHJS_ERR_NULL_ARGUMENT);
    CHECK_STATUS(authjs_token_mint("[1]", cookie_name, secrets, 1, 0, NULL, NULL, &keep),
                 AUTHJS_ERR_INVALID_ARGUMENT);
    CHECK_STATUS(authjs_token_mint("{}", cookie_name, secrets, 1, 0, "nope", NULL, &keep),
                 AUTHJS_ERR_INVALID_ARGUMENT);
    CHECK(keep == untouched, "untouched on failure");
    if (CHECK_STATUS(authjs_token_mint("{\"sub\":\"1\",\"exp\":1000000}", cookie_name,
                                       server_first, 1, 0, NULL, NULL, &cookie),
                     AUTHJS_OK)) {
        CHECK_STATUS(authjs_token_decode(cookie, NULL, server_first, 1, &keep, NULL),
                     AUTHJS_ERR_TOKEN_EXPIRED);
        authjs_string_free(cookie);
    }
    /* A minted cookie is a session to the server. */
    if (CHECK_STATUS(authjs_token_mint("{\"name\":\"C Cat\",\"email\":\"cat@example.com\","
                                       "\"sub\":\"11\"}",
                                       cookie_name, server_first, 1, 3600, "header", NULL,
                                       &cookie),
                     AUTHJS_OK)) {
        CHECK(strncmp(cookie, cookie_name, strlen(cookie_name)) == 0, "Cookie header %s=...",
              cookie_name);
        if (CHECK_STATUS(authjs_client_user(c, cookie, &minted), AUTHJS_OK)) {
            if (CHECK_STATUS(authjs_get_session(minted, &out), AUTHJS_OK)) {
                CHECK(contains(out, "cat@example.com"), "minted session: %s", out);
                authjs_string_free(out);
            }
            authjs_client_free(minted);
        }
        authjs_string_free(cookie);
    }
    if (CHECK_STATUS(authjs_token_mint("{\"sub\":\"12\"}", cookie_name, server_first, 1, 0,
                                       "playwright", base_url, &out),
                     AUTHJS_OK)) {
        CHECK(contains(out, "\"cookies\"") && contains(out, cookie_name), "storageState");
        authjs_string_free(out);
    }
    authjs_string_free(header);
    authjs_client_free(c);
}

int main(int argc, char **argv) {
    char name[128];
    if (argc >= 2 && strcmp(argv[1], "nojwt") == 0) {
        test_without_jwt();
        return finish("test_tokens[nojwt]");
    }
    if (argc < 5 || strcmp(argv[1], "jwt") != 0) {
        fprintf(stderr, "usage: %s jwt BASE_URL SECRET COOKIE_NAME [CA_FILE] | nojwt\n", argv[0]);
        return 2;
    }
    base_url = argv[2];
    ca_file = argc > 5 ? argv[5] : NULL;
    test_with_jwt(argv[3], argv[4]);
    snprintf(name, sizeof name, "test_tokens[%s]", base_url);
    return finish(name);
}
