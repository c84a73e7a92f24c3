/*
 * Sign in to an Auth.js server with a username and password, print the user's name,
 * call an API route of the app with the session cookie, sign out.
 *
 *   cc signin.c $(pkg-config --cflags --libs authjs) -o signin
 *   ./signin http://127.0.0.1:3000 [CA_FILE]
 */
#include <authjs.h>

#include <stdio.h>

static int fail(const char *what, AuthjsStatus status) {
    fprintf(stderr, "%s failed: %s: %s\n", what, authjs_status_name((uint32_t)status),
            authjs_last_error_message());
    return 1;
}

int main(int argc, char **argv) {
    const char *url = argc > 1 ? argv[1] : "http://127.0.0.1:3000";
    char options[1024] = "{}";
    AuthjsClient *client;
    AuthjsSignInResult *result = NULL;
    AuthjsSession *session = NULL;
    AuthjsResponse *response = NULL;
    AuthjsStatus status;
    char *json = NULL;
    int rc = 0;

    if (argc > 2) { /* trust an extra CA (a test server's) */
        snprintf(options, sizeof options, "{\"caCertFile\": \"%s\"}", argv[2]);
    }
    client = authjs_client_new(url, options);
    if (client == NULL) {
        return fail("authjs_client_new", authjs_last_error_status());
    }

    /* signIn('credentials', {username, password}) */
    status = authjs_sign_in_result(client, "credentials",
                                   "{\"username\": \"alice\", \"password\": \"alice-password\"}",
                                   NULL, &result);
    if (status != AUTHJS_OK) {
        rc = fail("authjs_sign_in_result", status);
        goto done;
    }
    if (!authjs_sign_in_result_ok(result)) {
        fprintf(stderr, "sign-in refused: %s\n", authjs_sign_in_result_error(result));
        authjs_sign_in_result_free(result);
        rc = 1;
        goto done;
    }
    authjs_sign_in_result_free(result);

    /* getSession() */
    status = authjs_get_session_object(client, &session);
    if (status != AUTHJS_OK || session == NULL) {
        rc = status != AUTHJS_OK ? fail("authjs_get_session_object", status) : 1;
        goto done;
    }
    printf("signed in as %s\n", authjs_session_user_name(session));
    authjs_session_free(session);

    /* An API route of the app, with the session cookie. */
    status = authjs_request_object(client, "GET", "/api/me", NULL, 0, NULL, 0, &response);
    if (status != AUTHJS_OK) {
        rc = fail("authjs_request_object", status);
        goto done;
    }
    /* The body is followed by a NUL byte, so a text body prints as a C string. */
    printf("GET /api/me -> %u %s\n", (unsigned)authjs_response_status(response),
           (const char *)authjs_response_body(response, NULL));
    authjs_response_free(response);

    /* signOut() */
    status = authjs_sign_out(client, NULL, &json);
    if (status != AUTHJS_OK) {
        rc = fail("authjs_sign_out", status);
        goto done;
    }
    printf("signed out\n");
    authjs_string_free(json);

done:
    authjs_client_free(client);
    return rc;
}
