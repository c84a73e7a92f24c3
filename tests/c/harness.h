/*
 * A tiny test harness shared by the C (and C++) tests of libauthjs.
 *
 * CHECK(cond, ...) counts a passed or failed check and prints failures; the program
 * ends with finish(), which prints "<name>: N passed, M failed" and returns the exit
 * status. Checks may run on several threads at once.
 *
 * Also here: a closed loopback port (for "server down"), a tiny fake HTTP server for
 * the faults a real Auth.js server cannot be made to produce (HTML where JSON is
 * expected, a CSRF token rejected twice, a WebAuthn provider, HTTP 500), and helpers to
 * read magic-link files.
 */
#ifndef AUTHJS_TEST_HARNESS_H
#define AUTHJS_TEST_HARNESS_H

#include "authjs.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
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

/* ----- fake HTTP server (faults only) ------------------------------------------- */

typedef struct {
    int fd;
    int port;
    int stop; /* accessed with __atomic builtins */
    pthread_t thread;
} fake_server;

static inline void fake_send(int c, int status, const char *reason, const char *type,
                      const char *body) {
    char head[512];
    size_t len = strlen(body);
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     status, reason, type, len);
    if (write(c, head, (size_t)n) < 0 || write(c, body, len) < 0) {
        /* The client went away: nothing to do. */
    }
}

static inline int ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static inline void fake_handle(fake_server *s, int c) {
    char req[16384];
    size_t used = 0;
    char method[16], path[2048];
    char body[2048];
    char *end = NULL;
    long content_length = 0;
    char *q;
    for (;;) {
        ssize_t n = read(c, req + used, sizeof req - 1 - used);
        if (n <= 0) {
            return;
        }
        used += (size_t)n;
        req[used] = '\0';
        end = strstr(req, "\r\n\r\n");
        if (end != NULL || used >= sizeof req - 1) {
            break;
        }
    }
    if (end == NULL || sscanf(req, "%15s %2047s", method, path) != 2) {
        return;
    }
    for (char *p = req; p < end; p++) {
        if (strncasecmp(p, "\r\ncontent-length:", 17) == 0) {
            content_length = strtol(p + 17, NULL, 10);
        }
    }
    {
        /* Drain the body so the client never sees a reset. */
        long have = (long)(used - (size_t)(end + 4 - req));
        while (have < content_length) {
            char sink[4096];
            ssize_t n = read(c, sink, sizeof sink);
            if (n <= 0) {
                break;
            }
            have += n;
        }
    }
    q = strchr(path, '?');
    if (q != NULL) {
        *q = '\0';
    }
    if (strncmp(path, "/html/", 6) == 0) {
        fake_send(c, 200, "OK", "text/html; charset=utf-8",
                  "<!DOCTYPE html><html><body>not the API</body></html>");
    } else if (strncmp(path, "/broken/", 8) == 0) {
        fake_send(c, 500, "Internal Server Error", "text/plain", "boom");
    } else if (ends_with(path, "/csrf")) {
        fake_send(c, 200, "OK", "application/json", "{\"csrfToken\":\"fake-csrf-token\"}");
    } else if (ends_with(path, "/providers")) {
        snprintf(body, sizeof body,
                 "{\"passkey\":{\"id\":\"passkey\",\"name\":\"Passkey\",\"type\":\"webauthn\","
                 "\"signinUrl\":\"http://127.0.0.1:%d/x/signin/passkey\","
                 "\"callbackUrl\":\"http://127.0.0.1:%d/x/callback/passkey\"},"
                 "\"credentials\":{\"id\":\"credentials\",\"name\":\"Credentials\","
                 "\"type\":\"credentials\","
                 "\"signinUrl\":\"http://127.0.0.1:%d/x/signin/credentials\","
                 "\"callbackUrl\":\"http://127.0.0.1:%d/x/callback/credentials\"}}",
                 s->port, s->port, s->port, s->port);
        fake_send(c, 200, "OK", "application/json", body);
    } else if (strncmp(path, "/csrf-reject/", 13) == 0) {
        /* next-auth v4's answer to a bad CSRF token, every time. */
        snprintf(body, sizeof body,
                 "{\"url\":\"http://127.0.0.1:%d/csrf-reject/signin?csrf=true\"}", s->port);
        fake_send(c, 200, "OK", "application/json", body);
    } else {
        (void)method;
        fake_send(c, 404, "Not Found", "text/plain", "not found");
    }
}

static inline void *fake_main(void *arg) {
    fake_server *s = (fake_server *)arg;
    while (!__atomic_load_n(&s->stop, __ATOMIC_SEQ_CST)) {
        struct pollfd p;
        int c;
        p.fd = s->fd;
        p.events = POLLIN;
        p.revents = 0;
        if (poll(&p, 1, 50) <= 0) {
            continue;
        }
        c = accept(s->fd, NULL, NULL);
        if (c < 0) {
            continue;
        }
        fake_handle(s, c);
        close(c);
    }
    return NULL;
}

static inline int fake_start(fake_server *s) {
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int one = 1;
    memset(s, 0, sizeof *s);
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (s->fd < 0) {
        return -1;
    }
    setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(s->fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(s->fd, 16) != 0 ||
        getsockname(s->fd, (struct sockaddr *)&addr, &len) != 0) {
        close(s->fd);
        return -1;
    }
    s->port = ntohs(addr.sin_port);
    if (pthread_create(&s->thread, NULL, fake_main, s) != 0) {
        close(s->fd);
        return -1;
    }
    return 0;
}

static inline void fake_stop(fake_server *s) {
    __atomic_store_n(&s->stop, 1, __ATOMIC_SEQ_CST);
    pthread_join(s->thread, NULL);
    close(s->fd);
}

#endif /* AUTHJS_TEST_HARNESS_H */
