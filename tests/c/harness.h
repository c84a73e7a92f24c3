/*
 * A tiny test harness shared by the C (and C++) tests of libauthjs.
 *
 * CHECK(cond, ...) counts a passed or failed check and prints failures; the program
 * ends with finish(), which prints "<name>: N passed, M failed" and returns the exit
 * status. Checks may run on several threads at once.
 *
 * Also here: a closed loopback port (for "server down") and helpers to read magic-link
 * files. The faults a real Auth.js server cannot be made to produce come from the
 * shared fault server (tests/fault-server, AUTHJS_TEST_FAULT_URL), as for every suite.
 */
#ifndef AUTHJS_TEST_HARNESS_H
#define AUTHJS_TEST_HARNESS_H

#include "authjs.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t harness_lock = PTHREAD_MUTEX_INITIALIZER;
static int harness_passed = 0;
static int harness_failed = 0;
static const char *harness_context = "";

static inline int harness_record(int ok, const char *file, int line, const char *fmt, ...) {
    pthread_mutex_lock(&harness_lock);
    if (ok) {
        harness_passed++;
    } else {
        va_list ap;
        harness_failed++;
        fprintf(stderr, "FAIL %s:%d [%s] ", file, line, harness_context);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, " (last error: %s)\n", authjs_last_error_message());
    }
    pthread_mutex_unlock(&harness_lock);
    return ok;
}

#define CHECK(cond, ...) harness_record((cond) ? 1 : 0, __FILE__, __LINE__, __VA_ARGS__)

/* Checks a status; evaluates to 1 when it is the expected one. */
#define CHECK_STATUS(expr, expected)                                                      \
    harness_check_status((expr), (expected), #expr, __FILE__, __LINE__)

static inline int harness_check_status(AuthjsStatus got, AuthjsStatus want, const char *what,
                                const char *file, int line) {
    int ok = got == want;
    harness_record(ok, file, line, "%s returned %s, expected %s", what,
                   authjs_status_name((uint32_t)got), authjs_status_name((uint32_t)want));
    if (ok && want != AUTHJS_OK) {
        /* Every failure has a message and the matching last-error status. */
        harness_record(authjs_last_error_message()[0] != '\0', file, line,
                       "%s: empty last error message", what);
        harness_record(authjs_last_error_status() == want, file, line,
                       "%s: authjs_last_error_status() is %s", what,
                       authjs_status_name((uint32_t)authjs_last_error_status()));
    }
    if (ok && want == AUTHJS_OK) {
        harness_record(authjs_last_error_message()[0] == '\0', file, line,
                       "%s: last error not cleared by a success", what);
    }
    return ok;
}

/* Substring test that tolerates NULL. */
static inline int contains(const char *haystack, const char *needle) {
    return haystack != NULL && needle != NULL && strstr(haystack, needle) != NULL;
}

static inline int str_eq(const char *a, const char *b) {
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static inline int finish(const char *name) {
    printf("%s: %d passed, %d failed\n", name, harness_passed, harness_failed);
    fflush(stdout);
    return harness_failed == 0 && harness_passed > 0 ? 0 : 1;
}

static inline void sleep_ms(long ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* A loopback port nobody listens on (bound, then closed). */
static inline int closed_port(void) {
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int port = 1;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0 &&
        getsockname(fd, (struct sockaddr *)&addr, &len) == 0) {
        port = ntohs(addr.sin_port);
    }
    if (fd >= 0) {
        close(fd);
    }
    return port;
}

/* Reads a whole (small) file into a malloc'd string, or NULL. */
static inline char *read_text_file(const char *path) {
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;
    if (f == NULL) {
        return NULL;
    }
    buf = (char *)malloc(65536);
    if (buf == NULL) {
        fclose(f);
        return NULL;
    }
    n = fread(buf, 1, 65535, f);
    buf[n] = '\0';
    fclose(f);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) {
        buf[--n] = '\0';
    }
    return buf;
}

/* Waits up to timeout_ms for a file to appear and returns its contents (malloc'd). */
static inline char *wait_for_file(const char *path, long timeout_ms) {
    long waited = 0;
    for (;;) {
        char *text = read_text_file(path);
        if (text != NULL && text[0] != '\0') {
            return text;
        }
        free(text);
        if (waited >= timeout_ms) {
            return NULL;
        }
        sleep_ms(50);
        waited += 50;
    }
}

/* A client for `url`, trusting the extra CA file `ca` when it is not NULL, with the
 * further JSON option members `extra` (e.g. "\"timeoutMs\": 500", or ""). The one
 * place the test programs build client options. Records a failure when it fails. */
static inline AuthjsClient *harness_client(const char *url, const char *ca, const char *extra) {
    char options[16384];
    AuthjsClient *c;
    if (ca != NULL) {
        snprintf(options, sizeof options, "{\"caCertFile\": \"%s\"%s%s}", ca,
                 extra[0] ? ", " : "", extra);
    } else {
        snprintf(options, sizeof options, "{%s}", extra);
    }
    c = authjs_client_new(url, options);
    CHECK(c != NULL, "authjs_client_new(%s, %s)", url, options);
    return c;
}

#endif /* AUTHJS_TEST_HARNESS_H */
