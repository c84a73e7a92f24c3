/* The C rows of the benchmark (docs/benchmarks.md): get_session through the C ABI
 * (include/authjs.h, libauthjs) against the real next-auth v4 server.
 *
 *   authjs_bench latency URL N WARMUP BLOCK
 *                                       per-call wall time (ns) and process CPU of
 *                                       authjs_get_session and of the floor client
 *                                       (libauthjs_bench_floor, bench/src/lib.rs) with
 *                                       the same cookie, in alternating blocks
 *   authjs_bench memory  URL N POINTS MAX_SECONDS
 *                                       RSS at start and at POINTS checkpoints; stops
 *                                       at a checkpoint once MAX_SECONDS have passed
 *
 * Prints one JSON object on stdout. Built by scripts/bench.sh with
 *   cc -O2 authjs_bench.c $(pkg-config --cflags --libs authjs) -lauthjs_bench_floor
 */
#define _GNU_SOURCE
#include <authjs.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

/* The floor (bench/src/lib.rs). */
void *authjs_bench_floor_new(const char *host_port, const char *path, const char *user_agent,
                             const char *cookie);
int authjs_bench_floor_get(void *floor);
void authjs_bench_floor_free(void *floor);

#define USER_AGENT "authjs-bench-c"

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_ns(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) * 1000000000u +
         ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) * 1000u;
}

/* Resident set size of this process, in KiB (VmRSS of /proc/self/status). */
static long rss_kib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kib = -1;
  if (!f) return -1;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "VmRSS:", 6) == 0) {
      kib = strtol(line + 6, NULL, 10);
      break;
    }
  }
  fclose(f);
  return kib;
}

static void die(const char *what) {
  fprintf(stderr, "authjs_bench: %s: %s\n", what, authjs_last_error_message());
  exit(1);
}

static AuthjsClient *signed_in_client(const char *url) {
  AuthjsClient *c = authjs_client_new(url, "{\"userAgent\":\"" USER_AGENT "\"}");
  if (!c) die("authjs_client_new");
  char *out = NULL;
  if (authjs_sign_in(c, "credentials", "{\"username\":\"alice\",\"password\":\"alice-password\"}",
                     NULL, &out) != AUTHJS_OK)
    die("authjs_sign_in");
  if (!strstr(out, "\"ok\":true")) {
    fprintf(stderr, "authjs_bench: sign-in refused: %s\n", out);
    exit(1);
  }
  authjs_string_free(out);
  return c;
}

/* One get_session through the C ABI; checks that the session is alice's. */
static void get_session(AuthjsClient *c, int check) {
  char *out = NULL;
  if (authjs_get_session(c, &out) != AUTHJS_OK) die("authjs_get_session");
  if (check && !strstr(out, "alice@example.com")) {
    fprintf(stderr, "authjs_bench: not signed in: %s\n", out);
    exit(1);
  }
  if (out[0] == 'n') { /* "null": signed out */
    fprintf(stderr, "authjs_bench: signed out during the benchmark\n");
    exit(1);
  }
  authjs_string_free(out);
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr,
            "usage: authjs_bench latency URL N WARMUP BLOCK | memory URL N POINTS MAX_SECONDS\n");
    return 2;
  }
  const char *mode = argv[1], *url = argv[2];
  long n = atol(argv[3]), k = atol(argv[4]);
  long rss_exec = rss_kib();

  if (strcmp(mode, "latency") == 0) {
    long block = argc > 5 ? atol(argv[5]) : 100;
    if (block < 1) block = 1;
    AuthjsClient *c = signed_in_client(url);
    get_session(c, 1);
    char *cookie = NULL;
    if (authjs_cookie_header(c, &cookie) != AUTHJS_OK) die("authjs_cookie_header");
    const char *host_port = strstr(url, "://") ? strstr(url, "://") + 3 : url;
    void *floor = authjs_bench_floor_new(host_port, "/api/auth/session", USER_AGENT, cookie);
    if (!floor || authjs_bench_floor_get(floor) != 200) {
      fprintf(stderr, "authjs_bench: the floor client failed\n");
      return 1;
    }
    for (long i = 0; i < k; i++) {
      get_session(c, 0);
      if (authjs_bench_floor_get(floor) != 200) die("floor");
    }
    uint64_t *ns[2] = {malloc(sizeof(uint64_t) * (size_t)n), malloc(sizeof(uint64_t) * (size_t)n)};
    uint64_t cpu[2] = {0, 0};
    long done[2] = {0, 0};
    for (long r = 0; r * block < n; r++) {
      long size = n - r * block < block ? n - r * block : block;
      for (int j = 0; j < 2; j++) {
        int who = (j + (int)r) % 2; /* 0: authjs, 1: floor; the order alternates */
        uint64_t c0 = cpu_ns();
        for (long i = 0; i < size; i++) {
          uint64_t t = now_ns();
          if (who == 0) {
            get_session(c, 0);
          } else if (authjs_bench_floor_get(floor) != 200) {
            fprintf(stderr, "authjs_bench: floor GET failed\n");
            return 1;
          }
          ns[who][done[who]++] = now_ns() - t;
        }
        cpu[who] += cpu_ns() - c0;
      }
    }
    get_session(c, 1);
    const char *names[2] = {"authjs", "floor"};
    printf("{");
    for (int w = 0; w < 2; w++) {
      printf("%s\"%s\":{\"calls\":%ld,\"cpu_ns\":%llu,\"ns\":[", w ? "," : "", names[w],
             done[w], (unsigned long long)cpu[w]);
      for (long i = 0; i < done[w]; i++)
        printf("%s%llu", i ? "," : "", (unsigned long long)ns[w][i]);
      printf("]}");
    }
    printf("}\n");
    free(ns[0]);
    free(ns[1]);
    authjs_bench_floor_free(floor);
    authjs_string_free(cookie);
    authjs_client_free(c);
    return 0;
  }

  if (strcmp(mode, "memory") == 0) {
    /* "start" is after the client is built, signed in and has made 100 calls: what is
     * allocated once (the library, the TLS roots, the connection) is in it. */
    AuthjsClient *c = signed_in_client(url);
    get_session(c, 1);
    for (int i = 0; i < 100; i++) get_session(c, 0);
    long start = rss_kib();
    double max_seconds = argc > 5 ? atof(argv[5]) : 0;
    long step = k > 0 ? n / k : n;
    if (step < 1) step = 1;
    uint64_t t0 = now_ns();
    long calls = 0;
    printf("{\"rss_kib_exec\":%ld,\"rss_kib_start\":%ld,\"planned\":%ld,\"points\":[", rss_exec,
           start, n);
    for (long i = 1; i <= n; i++) {
      get_session(c, 0);
      calls = i;
      if (i % step == 0 || i == n) {
        printf("%s[%ld,%ld]", i == step ? "" : ",", i, rss_kib());
        if (max_seconds > 0 && (double)(now_ns() - t0) / 1e9 > max_seconds) break;
      }
    }
    double seconds = (double)(now_ns() - t0) / 1e9;
    get_session(c, 1);
    printf("],\"calls\":%ld,\"seconds\":%.3f,\"rss_kib_end\":%ld}\n", calls, seconds, rss_kib());
    authjs_client_free(c);
    return 0;
  }
  fprintf(stderr, "authjs_bench: unknown mode %s\n", mode);
  return 2;
}
