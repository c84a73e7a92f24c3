/*
 * fork() through the C ABI: the parent signs a client in as alice and pools a
 * connection; after fork() the child signs the same client in as bob, and both read
 * the session at once. Each must always see its own user: a pooled socket shared by
 * the two processes would hand each the other's replies.
 *
 *   test_fork BASE_URL [CA_FILE]
 *
 * The child reports through its exit status (its failures are printed to stderr). It
 * ends with _exit() without freeing the client: its copy of the parent's connection
 * pool is leaked by design (closing or reusing the parent's sockets is what must not
 * happen), and the client stays reachable until the exit.
 */
#include "harness.h"

#include <sys/wait.h>

#define READS 100

static void sign_in(AuthjsClient *c, const char *user, const char *password) {
    char fields[256];
    char *out = NULL;
    snprintf(fields, sizeof fields, "{\"username\": \"%s\", \"password\": \"%s\"}", user,
             password);
    if (CHECK_STATUS(authjs_sign_in(c, "credentials", fields, NULL, &out), AUTHJS_OK)) {
        CHECK(contains(out, "\"ok\":true"), "%s's sign-in: %s", user, out);
        authjs_string_free(out);
    }
}

/* Reads the session READS times; every read must be the session of `email`. */
static void read_own_session(AuthjsClient *c, const char *who, const char *email) {
    int i;
    for (i = 0; i < READS; i++) {
        char *out = NULL;
        if (!CHECK_STATUS(authjs_get_session(c, &out), AUTHJS_OK)) {
            return;
        }
        if (!CHECK(contains(out, email), "%s, read %d: %s", who, i, out)) {
            authjs_string_free(out);
            return;
        }
        authjs_string_free(out);
    }
}

int main(int argc, char **argv) {
    char options[1024];
    AuthjsClient *c;
    int fds[2];
    char ready = 0;
    pid_t pid;
    int status = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s BASE_URL [CA_FILE]\n", argv[0]);
        return 2;
    }
    if (argc > 2) {
        snprintf(options, sizeof options, "{\"timeoutMs\": 10000, \"caCertFile\": \"%s\"}",
                 argv[2]);
    } else {
        snprintf(options, sizeof options, "{\"timeoutMs\": 10000}");
    }
    c = authjs_client_new(argv[1], options);
    CHECK(c != NULL, "authjs_client_new(%s)", argv[1]);
    if (c == NULL) {
        return finish("test_fork");
    }
    sign_in(c, "alice", "alice-password");
    /* Leaves an idle connection in the pool, which fork() copies. */
    read_own_session(c, "parent before the fork", "alice@example.com");
    if (!CHECK(pipe(fds) == 0, "pipe()")) {
        authjs_client_free(c);
        return finish("test_fork");
    }
    fflush(NULL);
    pid = fork();
    CHECK(pid >= 0, "fork()");
    if (pid == 0) {
        close(fds[0]);
        sign_in(c, "bob", "bob-password");
        /* The parent starts reading only now, so both loops overlap. */
        CHECK(write(fds[1], "+", 1) == 1, "write to the parent");
        read_own_session(c, "child (bob)", "bob@example.com");
        close(fds[1]);
        _exit(harness_failed == 0 ? 0 : 1);
    }
    close(fds[1]);
    if (pid > 0) {
        CHECK(read(fds[0], &ready, 1) == 1 && ready == '+', "the child signed in as bob");
        read_own_session(c, "parent (alice)", "alice@example.com");
        CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "the child failed (status %d; its failures are above)", status);
    }
    close(fds[0]);
    authjs_client_free(c);
    {
        char name[128];
        snprintf(name, sizeof name, "test_fork[%s]", argv[1]);
        return finish(name);
    }
}
