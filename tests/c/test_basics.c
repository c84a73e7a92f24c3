/*
 * C API tests that need no Auth.js server: NULL arguments for every function, frees of
 * NULL, invalid UTF-8, malformed JSON, unknown option keys, server down (a closed
 * loopback port), the statuses only a misbehaving server produces (from the shared
 * fault server, tests/fault-server), status names, the version, and the last-error
 * rules.
 *
 *   AUTHJS_TEST_FAULT_URL=http://127.0.0.1:PORT test_basics
 */
#include "harness.h"

static char sentinel_char;
#define SENTINEL (&sentinel_char)

static const char *BAD_UTF8 = "\xff\xfe\xfd";

static void test_version_and_names(void) {
    char want[64];
    static const struct {
        AuthjsStatus status;
        unsigned value;
        const char *name;
    } statuses[] = {
        {AUTHJS_OK, 0, "AUTHJS_OK"},
        {AUTHJS_ERR_INVALID_ARGUMENT, 1, "AUTHJS_ERR_INVALID_ARGUMENT"},
        {AUTHJS_ERR_NETWORK, 2, "AUTHJS_ERR_NETWORK"},
        {AUTHJS_ERR_TIMEOUT, 3, "AUTHJS_ERR_TIMEOUT"},
        {AUTHJS_ERR_TLS, 4, "AUTHJS_ERR_TLS"},
        {AUTHJS_ERR_HTTP, 5, "AUTHJS_ERR_HTTP"},
        {AUTHJS_ERR_PROTOCOL, 6, "AUTHJS_ERR_PROTOCOL"},
        {AUTHJS_ERR_CSRF, 7, "AUTHJS_ERR_CSRF"},
        {AUTHJS_ERR_UNKNOWN_PROVIDER, 8, "AUTHJS_ERR_UNKNOWN_PROVIDER"},
        {AUTHJS_ERR_UNSUPPORTED_PROVIDER, 9, "AUTHJS_ERR_UNSUPPORTED_PROVIDER"},
        {AUTHJS_ERR_IO, 10, "AUTHJS_ERR_IO"},
        {AUTHJS_ERR_TOKEN_INVALID, 11, "AUTHJS_ERR_TOKEN_INVALID"},
        {AUTHJS_ERR_TOKEN_EXPIRED, 12, "AUTHJS_ERR_TOKEN_EXPIRED"},
        {AUTHJS_ERR_NULL_ARGUMENT, 100, "AUTHJS_ERR_NULL_ARGUMENT"},
        {AUTHJS_ERR_INVALID_UTF8, 101, "AUTHJS_ERR_INVALID_UTF8"},
        {AUTHJS_ERR_INTERNAL, 102, "AUTHJS_ERR_INTERNAL"},
        {AUTHJS_ERR_UNSUPPORTED, 103, "AUTHJS_ERR_UNSUPPORTED"},
    };
    size_t i;
    harness_context = "version and status names";

    /* Nothing has failed on this thread yet. */
    CHECK(str_eq(authjs_last_error_message(), ""), "initial last error is not empty");
    CHECK(authjs_last_error_status() == AUTHJS_OK, "initial last status is not AUTHJS_OK");

    snprintf(want, sizeof want, "%d.%d.%d", AUTHJS_VERSION_MAJOR, AUTHJS_VERSION_MINOR,
             AUTHJS_VERSION_PATCH);
    CHECK(str_eq(authjs_version(), want), "authjs_version() = %s, header says %s",
          authjs_version(), want);

    for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        CHECK((unsigned)statuses[i].status == statuses[i].value, "%s has value %u",
              statuses[i].name, (unsigned)statuses[i].status);
        CHECK(str_eq(authjs_status_name((uint32_t)statuses[i].status), statuses[i].name),
              "authjs_status_name(%u) = %s", statuses[i].value,
              authjs_status_name((uint32_t)statuses[i].status));
    }
    CHECK(str_eq(authjs_status_name(55), "AUTHJS_ERR_UNKNOWN_STATUS"), "unknown status name");
    CHECK(str_eq(authjs_status_name(0xffffffffu), "AUTHJS_ERR_UNKNOWN_STATUS"),
          "unknown status name (max)");
}

static void test_frees_and_accessors_of_null(void) {
    harness_context = "NULL objects";
    authjs_client_free(NULL);
    authjs_string_free(NULL);
    authjs_session_free(NULL);
    authjs_sign_in_result_free(NULL);
    authjs_providers_free(NULL);
    authjs_response_free(NULL);
    CHECK(authjs_session_user_name(NULL) == NULL, "session_user_name(NULL)");
    CHECK(authjs_session_user_email(NULL) == NULL, "session_user_email(NULL)");
    CHECK(authjs_session_user_image(NULL) == NULL, "session_user_image(NULL)");
    CHECK(authjs_session_expires(NULL) == NULL, "session_expires(NULL)");
    CHECK(authjs_session_json(NULL) == NULL, "session_json(NULL)");
    CHECK(!authjs_sign_in_result_ok(NULL), "sign_in_result_ok(NULL)");
    CHECK(authjs_sign_in_result_status(NULL) == 0, "sign_in_result_status(NULL)");
    CHECK(authjs_sign_in_result_error(NULL) == NULL, "sign_in_result_error(NULL)");
    CHECK(authjs_sign_in_result_code(NULL) == NULL, "sign_in_result_code(NULL)");
    CHECK(authjs_sign_in_result_url(NULL) == NULL, "sign_in_result_url(NULL)");
    CHECK(authjs_providers_count(NULL) == 0, "providers_count(NULL)");
    CHECK(authjs_providers_id(NULL, 0) == NULL, "providers_id(NULL)");
    CHECK(authjs_providers_name(NULL, 0) == NULL, "providers_name(NULL)");
    CHECK(authjs_providers_type(NULL, 0) == NULL, "providers_type(NULL)");
    CHECK(authjs_providers_signin_url(NULL, 0) == NULL, "providers_signin_url(NULL)");
    CHECK(authjs_providers_callback_url(NULL, 0) == NULL, "providers_callback_url(NULL)");
    CHECK(authjs_response_status(NULL) == 0, "response_status(NULL)");
    CHECK(authjs_response_header_count(NULL) == 0, "response_header_count(NULL)");
    CHECK(authjs_response_header_name(NULL, 0) == NULL, "response_header_name(NULL)");
    CHECK(authjs_response_header_value(NULL, 0) == NULL, "response_header_value(NULL)");
    CHECK(authjs_response_header(NULL, "a") == NULL, "response_header(NULL)");
    {
        size_t len = 7;
        CHECK(authjs_response_body(NULL, &len) == NULL && len == 7, "response_body(NULL)");
    }
    CHECK(authjs_session_field_kind(NULL, "role") == AUTHJS_VALUE_MISSING,
          "session_field_kind(NULL)");
}

static void test_null_arguments(AuthjsClient *c) {
    char *out = SENTINEL;
    AuthjsSession *session = (AuthjsSession *)SENTINEL;
    AuthjsSignInResult *result = (AuthjsSignInResult *)SENTINEL;
    AuthjsProviders *providers = (AuthjsProviders *)SENTINEL;
    AuthjsResponse *response = (AuthjsResponse *)SENTINEL;
    double number = 7;
    bool flag = true;
    AuthjsHeader null_name = {NULL, "v"};
    const AuthjsStatus N = AUTHJS_ERR_NULL_ARGUMENT;
    harness_context = "NULL arguments";

    CHECK(authjs_client_new(NULL, NULL) == NULL, "client_new(NULL)");
    CHECK(authjs_last_error_status() == N, "client_new(NULL) status %s",
          authjs_status_name((uint32_t)authjs_last_error_status()));
    CHECK(contains(authjs_last_error_message(), "base_url"), "message names base_url");

    /* NULL client. */
    CHECK_STATUS(authjs_get_session(NULL, &out), N);
    CHECK(contains(authjs_last_error_message(), "client"), "message names the client");
    CHECK_STATUS(authjs_get_csrf_token(NULL, &out), N);
    CHECK_STATUS(authjs_get_providers(NULL, &out), N);
    CHECK_STATUS(authjs_sign_in(NULL, "credentials", NULL, NULL, &out), N);
    CHECK_STATUS(authjs_complete_sign_in(NULL, "/x", &out), N);
    CHECK_STATUS(authjs_complete_sign_in_form(NULL, "/x", "{}", &out), N);
    CHECK_STATUS(authjs_complete_sign_in_form_html(NULL, "<form>", &out), N);
    CHECK_STATUS(authjs_update_session(NULL, NULL, &out), N);
    CHECK_STATUS(authjs_sign_out(NULL, NULL, &out), N);
    CHECK_STATUS(authjs_request(NULL, "GET", "/api/me", NULL, &out), N);
    CHECK_STATUS(authjs_cookie_header(NULL, &out), N);
    CHECK_STATUS(authjs_save_cookies(NULL, "/tmp/x"), N);
    CHECK_STATUS(authjs_load_cookies(NULL, "/tmp/x"), N);
    CHECK_STATUS(authjs_get_session_object(NULL, &session), N);
    CHECK_STATUS(authjs_sign_in_result(NULL, "credentials", NULL, NULL, &result), N);
    CHECK_STATUS(authjs_get_providers_object(NULL, &providers), N);
    CHECK_STATUS(authjs_session_get(NULL, "role", &out), N);
    CHECK_STATUS(authjs_session_get_string(NULL, "role", &out), N);
    CHECK_STATUS(authjs_session_get_number(NULL, "role", &number), N);
    CHECK_STATUS(authjs_session_get_bool(NULL, "role", &flag), N);
    CHECK_STATUS(authjs_request_object(NULL, "GET", "/api/me", NULL, 0, NULL, 0, &response), N);
    CHECK_STATUS(authjs_response_json(NULL, &out), N);

    /* NULL out-parameters (checked before any request is made). */
    CHECK_STATUS(authjs_get_session(c, NULL), N);
    CHECK(contains(authjs_last_error_message(), "out_json"), "message names out_json");
    CHECK_STATUS(authjs_get_csrf_token(c, NULL), N);
    CHECK_STATUS(authjs_get_providers(c, NULL), N);
    CHECK_STATUS(authjs_sign_in(c, "credentials", NULL, NULL, NULL), N);
    CHECK_STATUS(authjs_complete_sign_in(c, "/x", NULL), N);
    CHECK_STATUS(authjs_update_session(c, NULL, NULL), N);
    CHECK_STATUS(authjs_sign_out(c, NULL, NULL), N);
    CHECK_STATUS(authjs_request(c, "GET", "/api/me", NULL, NULL), N);
    CHECK_STATUS(authjs_cookie_header(c, NULL), N);
    CHECK_STATUS(authjs_get_session_object(c, NULL), N);
    CHECK_STATUS(authjs_sign_in_result(c, "credentials", NULL, NULL, NULL), N);
    CHECK_STATUS(authjs_get_providers_object(c, NULL), N);
    CHECK_STATUS(authjs_request_object(c, "GET", "/api/me", NULL, 0, NULL, 0, NULL), N);

    /* NULL required strings. */
    CHECK_STATUS(authjs_complete_sign_in(c, NULL, &out), N);
    CHECK_STATUS(authjs_complete_sign_in_form(c, NULL, "{}", &out), N);
    CHECK_STATUS(authjs_complete_sign_in_form(c, "/x", NULL, &out), N);
    CHECK_STATUS(authjs_complete_sign_in_form(c, "/x", "{}", NULL), N);
    CHECK_STATUS(authjs_complete_sign_in_form_html(c, NULL, &out), N);
    CHECK_STATUS(authjs_request(c, NULL, "/api/me", NULL, &out), N);
    CHECK_STATUS(authjs_request(c, "GET", NULL, NULL, &out), N);
    CHECK_STATUS(authjs_request_object(c, NULL, "/api/me", NULL, 0, NULL, 0, &response), N);
    CHECK_STATUS(authjs_request_object(c, "GET", NULL, NULL, 0, NULL, 0, &response), N);
    /* Headers or a body announced by a length but NULL. */
    CHECK_STATUS(authjs_request_object(c, "GET", "/api/me", NULL, 1, NULL, 0, &response), N);
    CHECK(contains(authjs_last_error_message(), "headers"), "message names headers");
    CHECK_STATUS(authjs_request_object(c, "GET", "/api/me", NULL, 0, NULL, 3, &response), N);
    CHECK(contains(authjs_last_error_message(), "body"), "message names body");
    CHECK_STATUS(authjs_request_object(c, "GET", "/api/me", &null_name, 1, NULL, 0, &response),
                 N);
    CHECK_STATUS(authjs_save_cookies(c, NULL), N);
    CHECK_STATUS(authjs_load_cookies(c, NULL), N);

    /* Nothing was written through the out-parameters. */
    CHECK(out == SENTINEL, "out_json written on failure");
    CHECK(session == (AuthjsSession *)SENTINEL, "session written on failure");
    CHECK(result == (AuthjsSignInResult *)SENTINEL, "result written on failure");
    CHECK(providers == (AuthjsProviders *)SENTINEL, "providers written on failure");
    CHECK(response == (AuthjsResponse *)SENTINEL, "response written on failure");
    CHECK(number == 7 && flag, "number or bool written on failure");
}

static void test_invalid_utf8(AuthjsClient *c) {
    char *out = SENTINEL;
    AuthjsSignInResult *result = (AuthjsSignInResult *)SENTINEL;
    const AuthjsStatus U = AUTHJS_ERR_INVALID_UTF8;
    harness_context = "invalid UTF-8";

    CHECK(authjs_client_new(BAD_UTF8, NULL) == NULL, "client_new(bad url)");
    CHECK(authjs_last_error_status() == U, "client_new(bad url) status");
    CHECK(authjs_client_new("http://127.0.0.1:1", BAD_UTF8) == NULL, "client_new(bad options)");
    CHECK(authjs_last_error_status() == U, "client_new(bad options) status");

    CHECK_STATUS(authjs_sign_in(c, BAD_UTF8, NULL, NULL, &out), U);
    CHECK(contains(authjs_last_error_message(), "provider"), "message names provider");
    CHECK_STATUS(authjs_sign_in(c, "credentials", BAD_UTF8, NULL, &out), U);
    CHECK_STATUS(authjs_sign_in(c, "credentials", NULL, BAD_UTF8, &out), U);
    CHECK_STATUS(authjs_sign_in_result(c, BAD_UTF8, NULL, NULL, &result), U);
    CHECK_STATUS(authjs_complete_sign_in(c, BAD_UTF8, &out), U);
    CHECK_STATUS(authjs_complete_sign_in_form(c, "/x", BAD_UTF8, &out), U);
    CHECK_STATUS(authjs_complete_sign_in_form_html(c, BAD_UTF8, &out), U);
    CHECK_STATUS(authjs_update_session(c, BAD_UTF8, &out), U);
    CHECK_STATUS(authjs_sign_out(c, BAD_UTF8, &out), U);
    CHECK_STATUS(authjs_request(c, BAD_UTF8, "/api/me", NULL, &out), U);
    CHECK_STATUS(authjs_request(c, "GET", BAD_UTF8, NULL, &out), U);
    CHECK_STATUS(authjs_request(c, "POST", "/api/echo", BAD_UTF8, &out), U);
    {
        AuthjsResponse *response = (AuthjsResponse *)SENTINEL;
        AuthjsHeader bad = {"X-A", BAD_UTF8};
        CHECK_STATUS(authjs_request_object(c, "GET", "/api/me", &bad, 1, NULL, 0, &response), U);
        CHECK(response == (AuthjsResponse *)SENTINEL, "response written on failure");
    }
    CHECK(out == SENTINEL, "out_json written on failure");
    CHECK(result == (AuthjsSignInResult *)SENTINEL, "result written on failure");
}

static void test_malformed_json_and_options(AuthjsClient *c) {
    char *out = SENTINEL;
    AuthjsClient *other;
    const AuthjsStatus I = AUTHJS_ERR_INVALID_ARGUMENT;
    const char *msg;
    harness_context = "malformed JSON and options";

    /* Client options: malformed, wrong shape, unknown keys, wrong types. */
    CHECK(authjs_client_new("http://127.0.0.1:1", "{") == NULL, "options '{'");
    CHECK(authjs_last_error_status() == I, "options '{' status");
    CHECK(contains(authjs_last_error_message(), "options_json"), "message names options_json");
    CHECK(authjs_client_new("http://127.0.0.1:1", "[1, 2]") == NULL, "options array");
    CHECK(authjs_last_error_status() == I, "options array status");
    CHECK(authjs_client_new("http://127.0.0.1:1",
                            "{\"cookieHeader\": \"next-auth.session-token=SECRET-VALUE\","
                            " \"timeoutMillis\": 5}") == NULL,
          "unknown option key accepted");
    CHECK(authjs_last_error_status() == I, "unknown key status");
    msg = authjs_last_error_message();
    CHECK(contains(msg, "timeoutMillis"), "message names the unknown key: %s", msg);
    CHECK(!contains(msg, "SECRET-VALUE"), "message leaks an option value: %s", msg);
    CHECK(authjs_client_new("http://127.0.0.1:1", "{\"cookieHeader\": 4242424242}") == NULL,
          "wrong type accepted");
    CHECK(authjs_last_error_status() == I, "wrong type status");
    CHECK(!contains(authjs_last_error_message(), "4242424242"), "message leaks a value: %s",
          authjs_last_error_message());
    CHECK(authjs_client_new("http://127.0.0.1:1", "{\"timeoutMs\": \"soon\"}") == NULL,
          "string timeout accepted");
    CHECK(authjs_client_new("http://127.0.0.1:1", "{\"timeoutMs\": 0}") == NULL,
          "zero timeout accepted");
    CHECK(authjs_last_error_status() == I, "zero timeout status");
    CHECK(authjs_client_new("http://127.0.0.1:1", "{\"allowInsecureHttp\": 1}") == NULL,
          "non-boolean allowInsecureHttp accepted");
    /* Values that used to panic inside ureq (AUTHJS_ERR_INTERNAL plus a panic message on
     * stderr): a user agent with CR/LF, a timeout past what the clock can add. */
    CHECK(authjs_client_new("http://127.0.0.1:1", "{\"userAgent\": \"a\\r\\nX-Evil: 1\"}") == NULL,
          "CR/LF user agent accepted");
    CHECK(authjs_last_error_status() == I, "CR/LF user agent status");
    CHECK(authjs_client_new("http://127.0.0.1:1", "{\"timeoutMs\": 18446744073709551615}") == NULL,
          "huge timeout accepted");
    CHECK(authjs_last_error_status() == I, "huge timeout status");

    /* Every documented key (null means "not set"), and JSON null for the whole object. */
    other = authjs_client_new("http://127.0.0.1:1",
                              "{\"timeoutMs\": 5000, \"connectTimeoutMs\": 2000,"
                              " \"caCertPem\": null, \"caCertFile\": null,"
                              " \"userAgent\": \"authjs-c-test\", \"cookieFile\": null,"
                              " \"cookieHeader\": \"a=b\", \"basePath\": \"/api/auth\","
                              " \"proxy\": null, \"allowInsecureHttp\": false}");
    CHECK(other != NULL, "all documented options rejected");
    authjs_client_free(other);
    other = authjs_client_new("http://127.0.0.1:1", "null");
    CHECK(other != NULL, "options 'null' rejected");
    authjs_client_free(other);

    /* Base URLs the core refuses. */
    CHECK(authjs_client_new("ftp://127.0.0.1/", NULL) == NULL, "ftp URL accepted");
    CHECK(authjs_last_error_status() == I, "ftp URL status");
    CHECK(authjs_client_new("", NULL) == NULL, "empty URL accepted");
    CHECK(authjs_client_new("http://example.com", NULL) == NULL,
          "plain http to a remote host accepted");
    CHECK(authjs_last_error_status() == I, "plain http status");
    other = authjs_client_new("http://example.com", "{\"allowInsecureHttp\": true}");
    CHECK(other != NULL, "allowInsecureHttp has no effect");
    authjs_client_free(other);

    /* TLS configuration errors. */
    CHECK(authjs_client_new("https://127.0.0.1:1",
                            "{\"caCertFile\": \"/nonexistent/authjs-ca.pem\"}") == NULL,
          "missing CA file accepted");
    CHECK(authjs_last_error_status() == AUTHJS_ERR_TLS, "missing CA file status %s",
          authjs_status_name((uint32_t)authjs_last_error_status()));
    CHECK(authjs_client_new("https://127.0.0.1:1",
                            "{\"caCertPem\": \"-----BEGIN CERTIFICATE-----\\nnot base64!\\n"
                            "-----END CERTIFICATE-----\\n\"}") == NULL,
          "garbage CA PEM accepted");
    CHECK(authjs_last_error_status() == AUTHJS_ERR_TLS, "garbage CA PEM status %s",
          authjs_status_name((uint32_t)authjs_last_error_status()));

    /* Sign-in options and authorization params. */
    CHECK_STATUS(authjs_sign_in(c, "credentials",
                                "{\"username\": \"alice\", \"password\": \"hunter2-SECRET\"",
                                NULL, &out),
                 I);
    CHECK(!contains(authjs_last_error_message(), "hunter2"), "message leaks the password: %s",
          authjs_last_error_message());
    CHECK_STATUS(authjs_sign_in(c, "credentials", "[\"alice\"]", NULL, &out), I);
    CHECK_STATUS(authjs_sign_in(c, "credentials", "{\"nested\": {\"a\": 1}}", NULL, &out), I);
    CHECK_STATUS(authjs_sign_in(c, "credentials", "{\"csrfToken\": \"mine\"}", NULL, &out), I);
    CHECK_STATUS(authjs_sign_in(c, "credentials", "{\"callbackUrl\": \"javascript:alert(1)\"}",
                                NULL, &out),
                 I);
    CHECK_STATUS(authjs_sign_in(c, "github", NULL, "{,}", &out), I);
    CHECK(contains(authjs_last_error_message(), "authorization_params_json"),
          "message names authorization_params_json");
    CHECK_STATUS(authjs_sign_in(c, "github", NULL, "\"prompt\"", &out), I);
    CHECK_STATUS(authjs_sign_in(c, "bad provider id!", NULL, NULL, &out), I);

    /* update_session data, sign-out options. */
    CHECK_STATUS(authjs_update_session(c, "{\"name\": ", &out), I);
    CHECK_STATUS(authjs_sign_out(c, "nope", &out), I);
    CHECK_STATUS(authjs_sign_out(c, "{\"callbackUrll\": \"/\"}", &out), I);
    CHECK_STATUS(authjs_sign_out(c, "[]", &out), I);

    /* Other origins are refused without a request. */
    CHECK_STATUS(authjs_request(c, "GET", "https://evil.example/api/me", NULL, &out), I);
    CHECK_STATUS(authjs_complete_sign_in(c, "https://evil.example/api/auth/callback/email",
                                         &out),
                 I);
    CHECK_STATUS(authjs_complete_sign_in_form(c, "https://evil.example/api/auth/callback/oidc",
                                              "{\"code\": \"secret-code\"}", &out),
                 I);
    CHECK(!contains(authjs_last_error_message(), "secret-code"), "message leaks the code: %s",
          authjs_last_error_message());
    /* form_post fields: a JSON object of strings. */
    CHECK_STATUS(authjs_complete_sign_in_form(c, "/api/auth/callback/oidc", "[\"code\"]", &out),
                 I);
    CHECK_STATUS(authjs_complete_sign_in_form(c, "/api/auth/callback/oidc", "{\"code\": {}}",
                                              &out),
                 I);
    CHECK_STATUS(authjs_complete_sign_in_form(c, "/api/auth/callback/oidc", "{,}", &out), I);
    CHECK(contains(authjs_last_error_message(), "fields_json"), "message names fields_json");
    CHECK_STATUS(authjs_complete_sign_in_form_html(c, "<p>no form</p>", &out), I);
    CHECK(out == SENTINEL, "out_json written on failure");
}

static void test_server_down(AuthjsClient *c) {
    char *out = SENTINEL;
    AuthjsSession *session = (AuthjsSession *)SENTINEL;
    AuthjsSignInResult *result = (AuthjsSignInResult *)SENTINEL;
    AuthjsProviders *providers = (AuthjsProviders *)SENTINEL;
    const AuthjsStatus D = AUTHJS_ERR_NETWORK;
    const char *login = "{\"username\": \"alice\", \"password\": \"alice-password\"}";
    harness_context = "server down";

    CHECK_STATUS(authjs_get_session(c, &out), D);
    CHECK_STATUS(authjs_get_csrf_token(c, &out), D);
    CHECK_STATUS(authjs_get_providers(c, &out), D);
    CHECK_STATUS(authjs_sign_in(c, "credentials", login, NULL, &out), D);
    CHECK(!contains(authjs_last_error_message(), "alice-password"), "message leaks password");
    CHECK_STATUS(authjs_complete_sign_in(c, "/api/auth/callback/email?token=x", &out), D);
    CHECK(!contains(authjs_last_error_message(), "token=x"), "message leaks the query: %s",
          authjs_last_error_message());
    CHECK_STATUS(authjs_update_session(c, "{\"name\": \"x\"}", &out), D);
    CHECK_STATUS(authjs_sign_out(c, NULL, &out), D);
    CHECK_STATUS(authjs_request(c, "GET", "/api/me", NULL, &out), D);
    CHECK_STATUS(authjs_get_session_object(c, &session), D);
    CHECK_STATUS(authjs_sign_in_result(c, "credentials", login, NULL, &result), D);
    CHECK_STATUS(authjs_get_providers_object(c, &providers), D);
    CHECK(out == SENTINEL, "out_json written on failure");
    CHECK(session == (AuthjsSession *)SENTINEL, "session written on failure");
    CHECK(result == (AuthjsSignInResult *)SENTINEL, "result written on failure");
    CHECK(providers == (AuthjsProviders *)SENTINEL, "providers written on failure");

    /* No server needed: the sign-in page URL, the (empty) cookie header. */
    out = NULL;
    if (CHECK_STATUS(authjs_sign_in(c, NULL, "{\"callbackUrl\": \"/after\"}", NULL, &out),
                     AUTHJS_OK)) {
        CHECK(contains(out, "\"ok\":true") && contains(out, "/api/auth/signin?callbackUrl="),
              "sign-in page result: %s", out);
        CHECK(contains(out, "\"status\":0"), "sign-in page status: %s", out);
        authjs_string_free(out);
    }
    out = NULL;
    if (CHECK_STATUS(authjs_cookie_header(c, &out), AUTHJS_OK)) {
        CHECK(str_eq(out, ""), "fresh jar has cookies: %s", out);
        authjs_string_free(out);
    }
}

static void test_files(AuthjsClient *c) {
    char path[256];
    harness_context = "cookie files";
    snprintf(path, sizeof path, "/tmp/authjs-c-basics-%ld.json", (long)getpid());
    CHECK_STATUS(authjs_load_cookies(c, "/nonexistent/authjs/cookies.json"), AUTHJS_ERR_IO);
    CHECK_STATUS(authjs_save_cookies(c, "/nonexistent/authjs/cookies.json"), AUTHJS_ERR_IO);
    if (CHECK_STATUS(authjs_save_cookies(c, path), AUTHJS_OK)) {
        struct stat st;
        CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "cookie file mode %o",
              (unsigned)(st.st_mode & 0777));
        CHECK_STATUS(authjs_load_cookies(c, path), AUTHJS_OK);
        /* A jar saved for another origin is refused. */
        {
            AuthjsClient *other = authjs_client_new("http://127.0.0.2:1", NULL);
            CHECK(other != NULL, "client for 127.0.0.2");
            CHECK_STATUS(authjs_load_cookies(other, path), AUTHJS_ERR_INVALID_ARGUMENT);
            authjs_client_free(other);
        }
        unlink(path);
    }
    {
        /* A malformed cookie file. */
        FILE *f = fopen(path, "w");
        if (f != NULL) {
            fputs("{ this is not a cookie jar", f);
            fclose(f);
            CHECK_STATUS(authjs_load_cookies(c, path), AUTHJS_ERR_INVALID_ARGUMENT);
            unlink(path);
        }
    }
}

static void test_last_error_rules(AuthjsClient *c) {
    char *out = NULL;
    const char *before;
    char copy[512];
    harness_context = "last error";
    CHECK_STATUS(authjs_sign_in(c, "credentials", "{", NULL, &out), AUTHJS_ERR_INVALID_ARGUMENT);
    before = authjs_last_error_message();
    snprintf(copy, sizeof copy, "%s", before);
    /* Infallible calls leave the message alone (and the pointer valid). */
    (void)authjs_status_name(1);
    (void)authjs_version();
    authjs_string_free(NULL);
    (void)authjs_session_user_name(NULL);
    (void)authjs_providers_count(NULL);
    authjs_client_free(NULL);
    CHECK(authjs_last_error_message() == before && str_eq(before, copy),
          "last error changed by an infallible call");
    CHECK(authjs_last_error_status() == AUTHJS_ERR_INVALID_ARGUMENT, "last status changed");
    /* The next success clears it. */
    CHECK_STATUS(authjs_cookie_header(c, &out), AUTHJS_OK);
    authjs_string_free(out);
    CHECK(str_eq(authjs_last_error_message(), ""), "success did not clear the message");
    CHECK(authjs_last_error_status() == AUTHJS_OK, "success did not clear the status");
}

/* A client for a scenario of the shared fault server (tests/fault-server): its URL is
 * AUTHJS_TEST_FAULT_URL/<scenario>, the path being the base path. */
static AuthjsClient *fault_client(const char *fault_url, const char *scenario, const char *ua) {
    char url[512], options[256];
    AuthjsClient *c;
    snprintf(url, sizeof url, "%s/%s", fault_url, scenario);
    snprintf(options, sizeof options, "{\"userAgent\": \"%s\"}", ua);
    c = authjs_client_new(url, options);
    CHECK(c != NULL, "client for %s", url);
    return c;
}

/* How many requests with user agent `ua` reached `route` ("POST /S/callback/credentials"),
 * from the fault server's request log; -1 when it cannot be read. */
static int fault_requests(AuthjsClient *c, const char *ua, const char *route) {
    char path[256], key[256];
    AuthjsResponse *r = NULL;
    const char *body, *at;
    int n = -1;
    snprintf(path, sizeof path, "/__requests?ua=%s", ua);
    snprintf(key, sizeof key, "\"%s\":", route);
    if (CHECK_STATUS(authjs_request_object(c, "GET", path, NULL, 0, NULL, 0, &r), AUTHJS_OK)) {
        body = (const char *)authjs_response_body(r, NULL);
        at = strstr(body, key);
        n = at != NULL ? atoi(at + strlen(key)) : 0;
        authjs_response_free(r);
    }
    return n;
}

static void test_faults(void) {
    const char *fault_url = getenv("AUTHJS_TEST_FAULT_URL");
    char ua[64];
    char *out = SENTINEL;
    AuthjsClient *c;
    int n;
    harness_context = "faults (shared fault server)";
    if (!CHECK(fault_url != NULL, "AUTHJS_TEST_FAULT_URL is not set: run me under "
                                  "tests/servers/with-servers.sh")) {
        return;
    }
    snprintf(ua, sizeof ua, "authjs-c-test_basics-%ld", (long)getpid());

    /* HTML where JSON is expected: a wrong base path. */
    c = fault_client(fault_url, "html-200", ua);
    CHECK_STATUS(authjs_get_session(c, &out), AUTHJS_ERR_PROTOCOL);
    CHECK(contains(authjs_last_error_message(), "HTML"), "protocol message: %s",
          authjs_last_error_message());
    CHECK_STATUS(authjs_get_providers(c, &out), AUTHJS_ERR_PROTOCOL);
    authjs_client_free(c);

    /* HTTP 500. */
    c = fault_client(fault_url, "server-error", ua);
    CHECK_STATUS(authjs_get_session(c, &out), AUTHJS_ERR_HTTP);
    CHECK(contains(authjs_last_error_message(), "500"), "http message: %s",
          authjs_last_error_message());
    authjs_client_free(c);

    /* The server rejects the CSRF token, again after a fresh one (v4 and v5 shapes). */
    c = fault_client(fault_url, "csrf-rejected-v4", ua);
    CHECK_STATUS(authjs_sign_in(c, "credentials",
                                "{\"username\": \"alice\", \"password\": \"pw-SECRET\"}", NULL,
                                &out),
                 AUTHJS_ERR_CSRF);
    CHECK(!contains(authjs_last_error_message(), "pw-SECRET"), "message leaks the password");
    n = fault_requests(c, ua, "POST /csrf-rejected-v4/callback/credentials");
    CHECK(n == 2, "one retry with a fresh token, then the error (%d POSTs)", n);
    CHECK_STATUS(authjs_sign_out(c, NULL, &out), AUTHJS_ERR_CSRF);
    authjs_client_free(c);
    c = fault_client(fault_url, "csrf-rejected-v5", ua);
    CHECK_STATUS(authjs_sign_in(c, "credentials",
                                "{\"username\": \"alice\", \"password\": \"pw-SECRET\"}", NULL,
                                &out),
                 AUTHJS_ERR_CSRF);
    CHECK(!contains(authjs_last_error_message(), "pw-SECRET"), "message leaks the password");
    authjs_client_free(c);

    /* A WebAuthn provider, and a provider the server does not have. */
    c = fault_client(fault_url, "webauthn", ua);
    CHECK_STATUS(authjs_sign_in(c, "passkey", NULL, NULL, &out),
                 AUTHJS_ERR_UNSUPPORTED_PROVIDER);
    CHECK_STATUS(authjs_sign_in(c, "nope", NULL, NULL, &out), AUTHJS_ERR_UNKNOWN_PROVIDER);
    CHECK(contains(authjs_last_error_message(), "passkey"), "message lists known ids: %s",
          authjs_last_error_message());
    authjs_client_free(c);

    CHECK(out == SENTINEL, "out_json written on failure");
}

int main(void) {
    char url[64];
    AuthjsClient *down;

    test_version_and_names();
    test_frees_and_accessors_of_null();

    snprintf(url, sizeof url, "http://127.0.0.1:%d", closed_port());
    down = authjs_client_new(url, "{\"connectTimeoutMs\": 2000, \"timeoutMs\": 5000}");
    CHECK(down != NULL, "client for a closed port: %s", authjs_last_error_message());
    if (down != NULL) {
        test_null_arguments(down);
        test_invalid_utf8(down);
        test_malformed_json_and_options(down);
        test_server_down(down);
        test_files(down);
        test_last_error_rules(down);
        authjs_client_free(down);
    }
    test_faults();
    return finish("test_basics");
}
