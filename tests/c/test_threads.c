/*
 * One client used from 8 threads at once: thread 0 signs in and out repeatedly while
 * the others read the session (JSON and native object), the CSRF token, the cookie
 * header and /api/me. Every call must succeed, and every session seen must be either
 * "signed out" or alice's, never anything half-written. Each thread also checks that
 * its last-error message is its own.
 *
 *   test_threads BASE_URL [CA_FILE]
 */
#include "harness.h"

#define THREADS 8
#define ROUNDS 3
#define READS 8

static AuthjsClient *shared;

static void *signer(void *arg) {
    int i;
    (void)arg;
    for (i = 0; i < ROUNDS; i++) {
        char *out = NULL;
        if (CHECK_STATUS(authjs_sign_in(shared, "credentials",
                                        "{\"username\": \"alice\", \"password\": "
                                        "\"alice-password\"}",
                                        NULL, &out),
                         AUTHJS_OK)) {
            CHECK(contains(out, "\"ok\":true"), "sign-in %d: %s", i, out);
            authjs_string_free(out);
        }
        out = NULL;
        if (CHECK_STATUS(authjs_get_session(shared, &out), AUTHJS_OK)) {
            /* Nobody else signs out, so the session must be alice's here. */
            CHECK(contains(out, "Alice Liddell"), "session after sign-in %d: %s", i, out);
            authjs_string_free(out);
        }
        sleep_ms(20);
        out = NULL;
        if (CHECK_STATUS(authjs_sign_out(shared, NULL, &out), AUTHJS_OK)) {
            authjs_string_free(out);
        }
    }
    return NULL;
}

static void *reader(void *arg) {
    long id = (long)arg;
    int i;
    char mine[256];
    const char *msg;

    /* A failure of this thread's own: its message must survive the other threads. */
    CHECK(authjs_client_new("ftp://thread.invalid/", NULL) == NULL, "ftp URL accepted");
    msg = authjs_last_error_message();
    snprintf(mine, sizeof mine, "%s", msg);
    CHECK(mine[0] != '\0', "no message");

    for (i = 0; i < READS; i++) {
        char *out = NULL;
        AuthjsSession *s = NULL;
        /* Only infallible calls on this thread so far this round. */
        if (i == 0) {
            sleep_ms(30);
            CHECK(authjs_last_error_message() == msg && str_eq(msg, mine),
                  "thread %ld: last error changed by other threads", id);
        }
        switch ((id + i) % 4) {
        case 0:
            if (CHECK_STATUS(authjs_get_session(shared, &out), AUTHJS_OK)) {
                CHECK(str_eq(out, "null") || contains(out, "Alice Liddell"),
                      "thread %ld: session %s", id, out);
                authjs_string_free(out);
            }
            break;
        case 1:
            if (CHECK_STATUS(authjs_get_session_object(shared, &s), AUTHJS_OK) && s != NULL) {
                CHECK(str_eq(authjs_session_user_name(s), "Alice Liddell"),
                      "thread %ld: session object name %s", id, authjs_session_user_name(s));
                authjs_session_free(s);
            }
            break;
        case 2:
            if (CHECK_STATUS(authjs_get_csrf_token(shared, &out), AUTHJS_OK)) {
                CHECK(out != NULL && out[0] != '\0', "thread %ld: empty token", id);
                authjs_string_free(out);
            }
            out = NULL;
            if (CHECK_STATUS(authjs_cookie_header(shared, &out), AUTHJS_OK)) {
                authjs_string_free(out);
            }
            break;
        default:
            if (CHECK_STATUS(authjs_request(shared, "GET", "/api/me", NULL, &out), AUTHJS_OK)) {
                CHECK(contains(out, "\"status\":200") || contains(out, "\"status\":401"),
                      "thread %ld: /api/me %s", id, out);
                authjs_string_free(out);
            }
            break;
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    pthread_t threads[THREADS];
    char options[1024];
    long i;
    char *out = NULL;
    if (argc < 2) {
        fprintf(stderr, "usage: %s BASE_URL [CA_FILE]\n", argv[0]);
        return 2;
    }
    if (argc > 2) {
        snprintf(options, sizeof options, "{\"caCertFile\": \"%s\"}", argv[2]);
    } else {
        snprintf(options, sizeof options, "{}");
    }
    shared = authjs_client_new(argv[1], options);
    CHECK(shared != NULL, "authjs_client_new(%s)", argv[1]);
    if (shared == NULL) {
        return finish("test_threads");
    }
    for (i = 0; i < THREADS; i++) {
        int rc = pthread_create(&threads[i], NULL, i == 0 ? signer : reader, (void *)i);
        CHECK(rc == 0, "pthread_create %ld", i);
    }
    for (i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
    }
    /* Signed out at the end, whatever the interleaving. */
    if (CHECK_STATUS(authjs_get_session(shared, &out), AUTHJS_OK)) {
        CHECK(str_eq(out, "null"), "session after the last sign-out: %s", out);
        authjs_string_free(out);
    }
    authjs_client_free(shared);
    {
        char name[128];
        snprintf(name, sizeof name, "test_threads[%s]", argv[1]);
        return finish(name);
    }
}
