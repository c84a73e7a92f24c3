/*
 * The C mapping of the session lifecycle (issue 13) against a real Auth.js server:
 * authjs_client_status before and after, a callback-mode watcher seeing initial +
 * signed_in + signed_out from operations on the client (on the watcher's thread), the
 * pull form, the offline event, option errors, frees of NULL, the callback never
 * running after authjs_watcher_free returns (also when it is slow, or frees its own
 * watcher), and the thread count back at its baseline after every free.
 *
 * The protocol itself (keep-alive, expiry, other processes, restarts) is proved once in
 * Rust (tests/lifecycle.rs); this checks that C sees the same events.
 *
 *   test_watch BASE_URL [CA_FILE]
 */
#include "harness.h"

#include <dirent.h>
#include <sys/prctl.h>

static const char *ALICE = "{\"username\": \"alice\", \"password\": \"alice-password\"}";
static char client_options[4096] = "";
static const char *base_url;
static pthread_t main_thread;

static AuthjsClient *new_client(const char *url) {
    AuthjsClient *c = authjs_client_new(url, client_options[0] ? client_options : NULL);
    CHECK(c != NULL, "authjs_client_new(%s)", url);
    return c;
}

/* The number of threads of this process. */
static int thread_count(void) {
    int n = 0;
    struct dirent *d;
    DIR *dir = opendir("/proc/self/task");
    if (dir == NULL) {
        return -1;
    }
    while ((d = readdir(dir)) != NULL) {
        if (d->d_name[0] != '.') {
            n++;
        }
    }
    closedir(dir);
    return n;
}

/* The thread count reaches `baseline` within 5 s (the watcher's thread may finish
 * a refetch it is in after authjs_watcher_free returned: documented). */
static int threads_back_to(int baseline) {
    int i;
    for (i = 0; i < 500; i++) {
        if (thread_count() == baseline) {
            return 1;
        }
        sleep_ms(10);
    }
    return 0;
}

static long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sign_in(AuthjsClient *c) {
    char *out = NULL;
    if (CHECK_STATUS(authjs_sign_in(c, "credentials", ALICE, NULL, &out), AUTHJS_OK)) {
        CHECK(contains(out, "\"ok\":true"), "sign-in: %s", out);
        authjs_string_free(out);
    }
}

static void sign_out(AuthjsClient *c) {
    char *out = NULL;
    if (CHECK_STATUS(authjs_sign_out(c, NULL, &out), AUTHJS_OK)) {
        authjs_string_free(out);
    }
}

/* ----- what a callback saw --------------------------------------------------------- */

#define MAX_EVENTS 16

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int count;
    AuthjsEventKind kinds[MAX_EVENTS];
    char names[MAX_EVENTS][32];
    char json[MAX_EVENTS][1024];
    char user[MAX_EVENTS][64];
    int has_status[MAX_EVENTS];
    AuthjsSessionStatus status[MAX_EVENTS];
    AuthjsSignOutReason reason[MAX_EVENTS];
    int wrong_thread;   /* called on the thread that started the watcher */
    int wrong_name;     /* the thread is not named authjs-watcher */
    int delay_ms;       /* slow callback: sleep this long in the first call */
    int in_call;        /* inside the callback right now */
    int entered;        /* the slow first call started */
    AuthjsWatcher *self_free; /* free this watcher from the first call */
    int self_freed;
    int wait_for_self;  /* the first call waits until self_free is set */
} seen;

static void seen_init(seen *s) {
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->changed, NULL);
}

static void seen_destroy(seen *s) {
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->changed);
}

/* Waits (on the condition variable, up to timeout_ms) until `count` events arrived. */
static int wait_events(seen *s, int count, long timeout_ms) {
    struct timespec deadline;
    int ok;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&s->lock);
    while (s->count < count) {
        if (pthread_cond_timedwait(&s->changed, &s->lock, &deadline) != 0) {
            break;
        }
    }
    ok = s->count >= count;
    pthread_mutex_unlock(&s->lock);
    return ok;
}

static int seen_count(seen *s) {
    int n;
    pthread_mutex_lock(&s->lock);
    n = s->count;
    pthread_mutex_unlock(&s->lock);
    return n;
}

static void on_event(const AuthjsEvent *event, void *user_data) {
    seen *s = (seen *)user_data;
    char thread_name[32] = "";
    char *json = NULL;
    const AuthjsSession *session = authjs_event_session(event);
    int first, delay;
    AuthjsWatcher *to_free = NULL;

    prctl(PR_GET_NAME, thread_name, 0, 0, 0);
    pthread_mutex_lock(&s->lock);
    first = s->count == 0;
    if (first && s->wait_for_self) {
        while (s->self_free == NULL) {
            pthread_cond_wait(&s->changed, &s->lock);
        }
    }
    if (pthread_equal(pthread_self(), main_thread)) {
        s->wrong_thread = 1;
    }
    if (strcmp(thread_name, "authjs-watcher") != 0) {
        s->wrong_name = 1;
    }
    s->in_call = 1;
    if (s->count < MAX_EVENTS) {
        int i = s->count;
        s->kinds[i] = authjs_event_kind(event);
        snprintf(s->names[i], sizeof s->names[i], "%s", authjs_event_name(event));
        s->has_status[i] = authjs_event_status(event, &s->status[i]);
        s->reason[i] = authjs_event_reason(event);
        snprintf(s->user[i], sizeof s->user[i], "%s",
                 session && authjs_session_user_name(session) ? authjs_session_user_name(session)
                                                              : "");
        if (authjs_event_to_json(event, &json) == AUTHJS_OK) {
            snprintf(s->json[i], sizeof s->json[i], "%s", json);
            authjs_string_free(json);
        }
    }
    delay = first ? s->delay_ms : 0;
    if (first && s->self_free != NULL) {
        to_free = s->self_free;
    }
    if (delay > 0) {
        s->entered = 1;
        pthread_cond_broadcast(&s->changed);
    }
    pthread_mutex_unlock(&s->lock);

    /* A slow callback (a UI dispatch, a log write): authjs_watcher_free must wait. */
    if (delay > 0) {
        sleep_ms(delay);
    }
    if (to_free != NULL) {
        authjs_watcher_free(to_free);
    }

    pthread_mutex_lock(&s->lock);
    if (to_free != NULL) {
        s->self_freed = 1;
    }
    s->in_call = 0;
    s->count++;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
}

/* ----- the tests ------------------------------------------------------------------- */

static void test_status_and_nulls(void) {
    AuthjsClient *c;
    harness_context = "status";
    CHECK(authjs_client_status(NULL) == AUTHJS_SESSION_LOADING, "NULL client");
    CHECK(str_eq(authjs_session_status_name(AUTHJS_SESSION_LOADING), "loading"), "name");
    CHECK(str_eq(authjs_session_status_name(AUTHJS_SESSION_AUTHENTICATED), "authenticated"),
          "name");
    CHECK(str_eq(authjs_session_status_name(AUTHJS_SESSION_UNAUTHENTICATED),
                 "unauthenticated"),
          "name");
    CHECK(authjs_session_status_name(3) == NULL, "unknown status has a name");

    c = new_client(base_url);
    if (c == NULL) {
        return;
    }
    /* No request was made: nothing is known yet. */
    CHECK(authjs_client_status(c) == AUTHJS_SESSION_LOADING, "fresh client: %s",
          authjs_session_status_name(authjs_client_status(c)));
    sign_in(c);
    {
        /* The core learns the session from a session read (a sign-in alone only asks
         * the watchers to refetch). */
        char *json = NULL;
        if (CHECK_STATUS(authjs_get_session(c, &json), AUTHJS_OK)) {
            authjs_string_free(json);
        }
    }
    CHECK(authjs_client_status(c) == AUTHJS_SESSION_AUTHENTICATED, "after sign-in: %s",
          authjs_session_status_name(authjs_client_status(c)));
    sign_out(c);
    CHECK(authjs_client_status(c) == AUTHJS_SESSION_UNAUTHENTICATED, "after sign-out: %s",
          authjs_session_status_name(authjs_client_status(c)));
    authjs_client_free(c);

    harness_context = "nulls";
    authjs_watcher_free(NULL);
    authjs_event_free(NULL);
    CHECK(authjs_event_kind(NULL) == AUTHJS_EVENT_INITIAL, "kind of NULL");
    CHECK(authjs_event_name(NULL) == NULL, "name of NULL");
    CHECK(!authjs_event_status(NULL, NULL), "status of NULL");
    CHECK(authjs_event_reason(NULL) == AUTHJS_SIGN_OUT_REASON_NONE, "reason of NULL");
    CHECK(authjs_event_reason_name(NULL) == NULL, "reason name of NULL");
    CHECK(authjs_event_error_status(NULL) == AUTHJS_OK, "error of NULL");
    CHECK(authjs_event_error_message(NULL) == NULL, "message of NULL");
    CHECK(authjs_event_session(NULL) == NULL, "session of NULL");
    {
        char *json = (char *)"untouched";
        CHECK_STATUS(authjs_event_to_json(NULL, &json), AUTHJS_ERR_NULL_ARGUMENT);
        CHECK(str_eq(json, "untouched"), "out written on failure");
    }
}

static void test_option_errors(void) {
    AuthjsClient *c = new_client(base_url);
    AuthjsWatcher *w = (AuthjsWatcher *)&w; /* a sentinel: must stay untouched */
    AuthjsWatcher *const sentinel = w;
    int baseline = thread_count();
    const char *invalid[] = {
        "{\"refetchInterval\": 1000}",        /* unknown key */
        "{\"refetchIntervalMs\": 0}",         /* zero interval (checked by the core) */
        "{\"fileCheckIntervalMs\": 0}",       /* zero interval */
        "{\"refetchIntervalMs\": \"1000\"}",  /* wrong type */
        "{\"emitRefreshed\": 1}",             /* wrong type */
        "[1000]",                             /* not an object */
        "{\"refetchIntervalMs\": 1000",       /* not JSON */
    };
    size_t i;
    harness_context = "options";
    if (c == NULL) {
        return;
    }
    for (i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        CHECK_STATUS(authjs_watcher_start(c, invalid[i], on_event, NULL, &w),
                     AUTHJS_ERR_INVALID_ARGUMENT);
        CHECK(w == sentinel, "out_watcher written on failure (%s)", invalid[i]);
        CHECK(!contains(authjs_last_error_message(), "1000"), "message quotes the value: %s",
              authjs_last_error_message());
    }
    CHECK(contains(authjs_last_error_message(), "options_json"), "message: %s",
          authjs_last_error_message());
    CHECK_STATUS(authjs_watcher_start(NULL, NULL, on_event, NULL, &w), AUTHJS_ERR_NULL_ARGUMENT);
    CHECK_STATUS(authjs_watcher_start(c, NULL, on_event, NULL, NULL), AUTHJS_ERR_NULL_ARGUMENT);
    CHECK(w == sentinel, "out_watcher written on failure");
    {
        AuthjsEvent *e = (AuthjsEvent *)&e;
        AuthjsEvent *const untouched = e;
        CHECK_STATUS(authjs_watcher_next_event(NULL, 0, &e), AUTHJS_ERR_NULL_ARGUMENT);
        CHECK(e == untouched, "out_event written on failure");
    }
    /* Nothing was started by a refused call. */
    CHECK(thread_count() == baseline, "threads after refused starts: %d, baseline %d",
          thread_count(), baseline);
    authjs_client_free(c);
}

static void test_callback_watcher(void) {
    AuthjsClient *c = new_client(base_url);
    AuthjsWatcher *w = NULL;
    seen s;
    int baseline = thread_count();
    int after_free;
    long t0;
    harness_context = "callback";
    if (c == NULL) {
        return;
    }
    seen_init(&s);
    if (!CHECK_STATUS(authjs_watcher_start(c, "{\"refetchIntervalMs\": 100}", on_event, &s, &w),
                      AUTHJS_OK)) {
        authjs_client_free(c);
        seen_destroy(&s);
        return;
    }
    CHECK(w != NULL, "no watcher");
    CHECK(thread_count() == baseline + 1, "one thread started: %d, baseline %d",
          thread_count(), baseline);

    /* The initial state: signed out (a fresh client with an empty jar). */
    CHECK(wait_events(&s, 1, 5000), "no initial event");
    CHECK(s.kinds[0] == AUTHJS_EVENT_INITIAL && str_eq(s.names[0], "initial"), "first: %s",
          s.names[0]);
    CHECK(s.has_status[0] && s.status[0] == AUTHJS_SESSION_UNAUTHENTICATED,
          "initial status %d/%d", s.has_status[0], (int)s.status[0]);
    CHECK(str_eq(s.json[0], "{\"event\":\"initial\",\"session\":null,\"status\":"
                            "\"unauthenticated\"}") ||
              (contains(s.json[0], "\"event\":\"initial\"") &&
               contains(s.json[0], "\"status\":\"unauthenticated\"")),
          "initial JSON %s", s.json[0]);
    CHECK(authjs_client_status(c) == AUTHJS_SESSION_UNAUTHENTICATED, "status after initial");

    /* An operation on the watched client: one signed_in event. */
    sign_in(c);
    CHECK(wait_events(&s, 2, 5000), "no signed_in event");
    CHECK(s.kinds[1] == AUTHJS_EVENT_SIGNED_IN && str_eq(s.names[1], "signed_in"),
          "second: %s", s.names[1]);
    CHECK(str_eq(s.user[1], "Alice Liddell"), "signed_in session user %s", s.user[1]);
    CHECK(!s.has_status[1] && s.reason[1] == AUTHJS_SIGN_OUT_REASON_NONE, "signed_in fields");
    CHECK(contains(s.json[1], "\"event\":\"signed_in\"") &&
              contains(s.json[1], "\"session\":{") && contains(s.json[1], "Alice Liddell"),
          "signed_in JSON %s", s.json[1]);
    CHECK(!contains(s.json[1], "alice-password"), "JSON leaks the password");
    /* Several refetches (every 100 ms) happen meanwhile: none repeats the sign-in. */
    CHECK(!wait_events(&s, 3, 450), "an extra event after sign-in: %s", s.names[2]);

    sign_out(c);
    CHECK(wait_events(&s, 3, 5000), "no signed_out event");
    CHECK(s.kinds[2] == AUTHJS_EVENT_SIGNED_OUT && s.reason[2] == AUTHJS_SIGN_OUT_REASON_LOCAL,
          "third: %s reason %d", s.names[2], (int)s.reason[2]);
    CHECK(contains(s.json[2], "\"reason\":\"local\""), "signed_out JSON %s", s.json[2]);
    CHECK(authjs_client_status(c) == AUTHJS_SESSION_UNAUTHENTICATED, "status after sign-out");
    CHECK(!s.wrong_thread, "the callback ran on the thread that started the watcher");
    CHECK(!s.wrong_name, "the callback's thread is not named authjs-watcher");

    t0 = now_ms();
    authjs_watcher_free(w);
    CHECK(now_ms() - t0 < 1000, "authjs_watcher_free took %ld ms", now_ms() - t0);
    after_free = seen_count(&s);
    CHECK(threads_back_to(baseline), "threads after free: %d, baseline %d", thread_count(),
          baseline);

    /* After free the callback is never called, whatever happens on the client. */
    sign_in(c);
    sign_out(c);
    CHECK(seen_count(&s) == after_free, "callback called after free (%d events, %d before)",
          seen_count(&s), after_free);
    CHECK(s.count == 3, "events: %d (expected initial, signed_in, signed_out)", s.count);
    authjs_client_free(c);
    seen_destroy(&s);
}

/* A callback in progress when authjs_watcher_free is called: free waits for it, so
 * after free returns the callback is not running and user_data may be released. */
static void test_free_waits_for_a_slow_callback(void) {
    AuthjsClient *c = new_client(base_url);
    AuthjsWatcher *w = NULL;
    seen *s = (seen *)malloc(sizeof *s);
    int baseline = thread_count();
    int running;
    harness_context = "slow callback";
    if (c == NULL || s == NULL) {
        authjs_client_free(c);
        free(s);
        return;
    }
    seen_init(s);
    s->delay_ms = 400;
    if (CHECK_STATUS(authjs_watcher_start(c, NULL, on_event, s, &w), AUTHJS_OK)) {
        pthread_mutex_lock(&s->lock);
        while (!s->entered) {
            pthread_cond_wait(&s->changed, &s->lock);
        }
        pthread_mutex_unlock(&s->lock);
        authjs_watcher_free(w);
        pthread_mutex_lock(&s->lock);
        running = s->in_call;
        pthread_mutex_unlock(&s->lock);
        CHECK(!running, "authjs_watcher_free returned while the callback was running");
        CHECK(s->count == 1, "events: %d", s->count);
        CHECK(threads_back_to(baseline), "threads after free: %d, baseline %d", thread_count(),
              baseline);
    }
    authjs_client_free(c);
    seen_destroy(s);
    /* The callback no longer uses it: releasing it here is what a real caller does. */
    free(s);
}

/* A callback may free its own watcher; it is then not called again. */
static void test_free_from_the_callback(void) {
    AuthjsClient *c = new_client(base_url);
    AuthjsWatcher *w = NULL;
    seen s;
    int baseline = thread_count();
    harness_context = "free from callback";
    if (c == NULL) {
        return;
    }
    seen_init(&s);
    s.wait_for_self = 1;
    if (CHECK_STATUS(authjs_watcher_start(c, NULL, on_event, &s, &w), AUTHJS_OK)) {
        pthread_mutex_lock(&s.lock);
        s.self_free = w;
        pthread_cond_broadcast(&s.changed);
        pthread_mutex_unlock(&s.lock);
        CHECK(wait_events(&s, 1, 5000), "no initial event");
        CHECK(s.self_freed, "the callback did not free its watcher");
        CHECK(threads_back_to(baseline), "threads after free: %d, baseline %d", thread_count(),
              baseline);
        sign_in(c);
        CHECK(seen_count(&s) == 1, "callback called after its watcher was freed: %d events",
              seen_count(&s));
        sign_out(c);
    }
    authjs_client_free(c);
    seen_destroy(&s);
}

static void test_pull_watcher(void) {
    AuthjsClient *c = new_client(base_url);
    AuthjsWatcher *w = NULL;
    AuthjsEvent *e = NULL;
    AuthjsSessionStatus st = AUTHJS_SESSION_LOADING;
    int baseline = thread_count();
    harness_context = "pull";
    if (c == NULL) {
        return;
    }
    sign_in(c);
    if (!CHECK_STATUS(authjs_watcher_start(c, "{\"refetchIntervalMs\": 100, \"emitRefreshed\": "
                                              "false, \"refetchWhenOffline\": true, "
                                              "\"fileCheckIntervalMs\": null}",
                                           NULL, NULL, &w),
                      AUTHJS_OK)) {
        authjs_client_free(c);
        return;
    }
    /* Initial: authenticated, with alice's session borrowed from the event. */
    if (CHECK_STATUS(authjs_watcher_next_event(w, 5000, &e), AUTHJS_OK) &&
        CHECK(e != NULL, "no initial event")) {
        const AuthjsSession *session = authjs_event_session(e);
        char *json = NULL;
        CHECK(authjs_event_kind(e) == AUTHJS_EVENT_INITIAL, "kind %s", authjs_event_name(e));
        CHECK(authjs_event_status(e, &st) && st == AUTHJS_SESSION_AUTHENTICATED, "status %d",
              (int)st);
        CHECK(session != NULL && str_eq(authjs_session_user_name(session), "Alice Liddell"),
              "initial session");
        CHECK(authjs_session_expires(session) != NULL, "initial session has no expires");
        CHECK(authjs_event_reason(e) == AUTHJS_SIGN_OUT_REASON_NONE &&
                  authjs_event_reason_name(e) == NULL,
              "reason of initial");
        CHECK(authjs_event_error_status(e) == AUTHJS_OK && authjs_event_error_message(e) == NULL,
              "error of initial");
        if (CHECK_STATUS(authjs_event_to_json(e, &json), AUTHJS_OK)) {
            CHECK(contains(json, "\"event\":\"initial\"") &&
                      contains(json, "\"status\":\"authenticated\"") &&
                      contains(json, "Alice Liddell"),
                  "JSON %s", json);
            authjs_string_free(json);
        }
        authjs_event_free(e);
    }
    /* Nothing happened: OK with NULL, at once for a zero timeout. */
    e = (AuthjsEvent *)&e;
    CHECK_STATUS(authjs_watcher_next_event(w, 0, &e), AUTHJS_OK);
    CHECK(e == NULL, "an event out of nothing: %s", authjs_event_name(e));
    /* Refetches every 100 ms meanwhile: no event from them. */
    e = (AuthjsEvent *)&e;
    CHECK_STATUS(authjs_watcher_next_event(w, 450, &e), AUTHJS_OK);
    CHECK(e == NULL, "an event from refetches: %s", authjs_event_name(e));

    sign_out(c);
    e = NULL;
    if (CHECK_STATUS(authjs_watcher_next_event(w, 5000, &e), AUTHJS_OK) &&
        CHECK(e != NULL, "no signed_out event")) {
        CHECK(authjs_event_kind(e) == AUTHJS_EVENT_SIGNED_OUT, "kind %s", authjs_event_name(e));
        CHECK(str_eq(authjs_event_name(e), "signed_out"), "name %s", authjs_event_name(e));
        CHECK(authjs_event_reason(e) == AUTHJS_SIGN_OUT_REASON_LOCAL &&
                  str_eq(authjs_event_reason_name(e), "local"),
              "reason %s", authjs_event_reason_name(e));
        CHECK(authjs_event_session(e) == NULL, "signed_out carries a session");
        CHECK(!authjs_event_status(e, &st), "signed_out carries a status");
        /* The event outlives its watcher. */
        authjs_watcher_free(w);
        w = NULL;
        CHECK(str_eq(authjs_event_reason_name(e), "local"), "event after its watcher");
        authjs_event_free(e);
    }
    authjs_watcher_free(w);
    CHECK(threads_back_to(baseline), "threads after free: %d, baseline %d", thread_count(),
          baseline);
    authjs_client_free(c);
}

/* The client handle may go first; a callback-mode watcher refuses the pull form. */
static void test_pull_details(void) {
    AuthjsClient *c = new_client(base_url);
    AuthjsWatcher *w = NULL;
    AuthjsEvent *e = NULL;
    seen s;
    int baseline = thread_count();
    harness_context = "pull details";
    if (c == NULL) {
        return;
    }
    seen_init(&s);
    if (CHECK_STATUS(authjs_watcher_start(c, NULL, on_event, &s, &w), AUTHJS_OK)) {
        e = (AuthjsEvent *)&e;
        CHECK_STATUS(authjs_watcher_next_event(w, 0, &e), AUTHJS_ERR_INVALID_ARGUMENT);
        CHECK(e == (AuthjsEvent *)&e, "out_event written on failure");
        CHECK(contains(authjs_last_error_message(), "callback"), "message %s",
              authjs_last_error_message());
        authjs_watcher_free(w);
    }
    w = NULL;
    if (CHECK_STATUS(authjs_watcher_start(c, NULL, NULL, NULL, &w), AUTHJS_OK)) {
        authjs_client_free(c);
        c = NULL;
        e = NULL;
        if (CHECK_STATUS(authjs_watcher_next_event(w, 5000, &e), AUTHJS_OK) &&
            CHECK(e != NULL, "no initial event after the client handle was freed")) {
            CHECK(authjs_event_kind(e) == AUTHJS_EVENT_INITIAL, "kind %s",
                  authjs_event_name(e));
            authjs_event_free(e);
        }
        authjs_watcher_free(w);
    }
    authjs_client_free(c);
    CHECK(threads_back_to(baseline), "threads after free: %d, baseline %d", thread_count(),
          baseline);
    seen_destroy(&s);
}

/* authjs_watcher_next_event from two threads at once: each event goes to one of them. */
typedef struct {
    AuthjsWatcher *w;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int got;
    AuthjsEventKind kinds[2];
    int failed;
} pullers;

static void *pull_one(void *arg) {
    pullers *p = (pullers *)arg;
    AuthjsEvent *e = NULL;
    AuthjsStatus st = authjs_watcher_next_event(p->w, 5000, &e);
    pthread_mutex_lock(&p->lock);
    if (st != AUTHJS_OK || e == NULL) {
        p->failed++;
    } else if (p->got < 2) {
        p->kinds[p->got] = authjs_event_kind(e);
    }
    if (e != NULL) {
        p->got++;
    }
    pthread_cond_broadcast(&p->changed);
    pthread_mutex_unlock(&p->lock);
    authjs_event_free(e);
    return NULL;
}

static void test_pull_from_two_threads(void) {
    AuthjsClient *c = new_client(base_url);
    pullers p;
    pthread_t a, b;
    harness_context = "pull from two threads";
    if (c == NULL) {
        return;
    }
    memset(&p, 0, sizeof p);
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.changed, NULL);
    if (CHECK_STATUS(authjs_watcher_start(c, NULL, NULL, NULL, &p.w), AUTHJS_OK)) {
        pthread_create(&a, NULL, pull_one, &p);
        pthread_create(&b, NULL, pull_one, &p);
        pthread_mutex_lock(&p.lock);
        while (p.got + p.failed < 1) {
            pthread_cond_wait(&p.changed, &p.lock);
        }
        pthread_mutex_unlock(&p.lock);
        sign_in(c);
        pthread_join(a, NULL);
        pthread_join(b, NULL);
        CHECK(p.failed == 0 && p.got == 2, "%d events, %d failures", p.got, p.failed);
        CHECK(p.kinds[0] == AUTHJS_EVENT_INITIAL && p.kinds[1] == AUTHJS_EVENT_SIGNED_IN,
              "kinds %d, %d", (int)p.kinds[0], (int)p.kinds[1]);
        sign_out(c);
        authjs_watcher_free(p.w);
    }
    pthread_mutex_destroy(&p.lock);
    pthread_cond_destroy(&p.changed);
    authjs_client_free(c);
}

/* A server that cannot be reached: LOADING, then OFFLINE with the network status. */
static void test_offline(void) {
    char url[64];
    AuthjsClient *c;
    AuthjsWatcher *w = NULL;
    AuthjsEvent *e = NULL;
    AuthjsSessionStatus st = AUTHJS_SESSION_AUTHENTICATED;
    harness_context = "offline";
    snprintf(url, sizeof url, "http://127.0.0.1:%d", closed_port());
    c = authjs_client_new(url, NULL);
    if (!CHECK(c != NULL, "client") ||
        !CHECK_STATUS(authjs_watcher_start(c, NULL, NULL, NULL, &w), AUTHJS_OK)) {
        authjs_client_free(c);
        return;
    }
    if (CHECK_STATUS(authjs_watcher_next_event(w, 5000, &e), AUTHJS_OK) && CHECK(e != NULL, "no initial")) {
        CHECK(authjs_event_kind(e) == AUTHJS_EVENT_INITIAL, "kind %s", authjs_event_name(e));
        CHECK(authjs_event_status(e, &st) && st == AUTHJS_SESSION_LOADING, "status %d", (int)st);
        authjs_event_free(e);
    }
    e = NULL;
    if (CHECK_STATUS(authjs_watcher_next_event(w, 5000, &e), AUTHJS_OK) && CHECK(e != NULL, "no offline")) {
        char *json = NULL;
        CHECK(authjs_event_kind(e) == AUTHJS_EVENT_OFFLINE && str_eq(authjs_event_name(e), "offline"),
              "kind %s", authjs_event_name(e));
        CHECK(authjs_event_error_status(e) == AUTHJS_ERR_NETWORK, "error %s",
              authjs_status_name((uint32_t)authjs_event_error_status(e)));
        CHECK(authjs_event_error_message(e) != NULL && authjs_event_error_message(e)[0] != '\0',
              "no message");
        if (CHECK_STATUS(authjs_event_to_json(e, &json), AUTHJS_OK)) {
            CHECK(contains(json, "\"event\":\"offline\"") && contains(json, "\"kind\":\"network\""),
                  "JSON %s", json);
            authjs_string_free(json);
        }
        authjs_event_free(e);
    }
    /* Offline is not a sign-out: the status stays LOADING. */
    CHECK(authjs_client_status(c) == AUTHJS_SESSION_LOADING, "status %s",
          authjs_session_status_name(authjs_client_status(c)));
    authjs_watcher_free(w);
    authjs_client_free(c);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s BASE_URL [CA_FILE]\n", argv[0]);
        return 2;
    }
    base_url = argv[1];
    main_thread = pthread_self();
    if (argc > 2) {
        snprintf(client_options, sizeof client_options, "{\"caCertFile\": \"%s\"}", argv[2]);
    }
    test_status_and_nulls();
    test_option_errors();
    test_callback_watcher();
    test_free_waits_for_a_slow_callback();
    test_free_from_the_callback();
    test_pull_watcher();
    test_pull_details();
    test_pull_from_two_threads();
    test_offline();
    return finish("test_watch");
}
