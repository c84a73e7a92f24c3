//! `authjs-bench`: the Rust side of the benchmark suite (see docs/benchmarks.md).
//!
//! Every subcommand talks to the real next-auth v4 test server at `--url` and prints
//! one JSON object of raw measurements on stdout; `bench/run.py` runs the
//! subcommands, pools their samples and writes the tables.
//!
//! ```text
//! authjs-bench session     --url U --n N [--warmup W] [--block B]
//!     get_session through authjs::Client and through the raw floor, interleaved in
//!     blocks; per-call wall times (ns) and the process CPU (getrusage) per client.
//! authjs-bench calls       --url U --n N [--warmup W] [--block B]
//!     get_session / get_csrf_token / get_providers through authjs (the peer of the
//!     next-auth/react row), plus the requests each operation and each sign-in made,
//!     read from the server's request counter.
//! authjs-bench concurrency --url U [--threads 8] [--per-thread K] [--trials T]
//!     T threads sharing one Client versus T threads with their own raw connections.
//! authjs-bench pool-memory --url U --tls-url UT --ca CA [--users N] [--clients M]
//!     issue 17: heap and RSS per signed-in user on one pool (N users over https), per
//!     standalone client after one request (M clients, http and https), the TLS
//!     configurations built and handshakes made, the peak RSS.
//! authjs-bench lookups     --url U [--threads 8] [--per-thread K] [--trials T]
//!     issue 17: Client::lookup from T threads through one client versus the floor
//!     with T raw connections, the same Cookie header.
//! authjs-bench count       --url U --op floor|session|lookup --n N [--warmup W]
//!     N calls of one operation on this thread and nothing else (no timing, no
//!     samples): for instruction counts under `valgrind --tool=callgrind`, where the
//!     difference of two runs (N=1200 and N=200) divided by 1000 is the instructions
//!     per call (bench/callgrind.sh).
//! ```

use authjs::{Client, SignInOptions, SignOutOptions};
use authjs_bench_floor::floor::Floor;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::ffi::{c_int, c_void};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

// ----- counting the threads a call creates ------------------------------------------------
//
// This executable defines `pthread_create`, so every thread it starts (std::thread and
// anything in its dependencies) goes through here: the count is exact, whatever else
// runs on the machine. The real function is looked up with dlsym(RTLD_NEXT).

static THREADS_CREATED: AtomicU64 = AtomicU64::new(0);

type PthreadCreate = unsafe extern "C" fn(
    *mut libc::pthread_t,
    *const libc::pthread_attr_t,
    extern "C" fn(*mut c_void) -> *mut c_void,
    *mut c_void,
) -> c_int;

/// # Safety
/// The contract of POSIX `pthread_create`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn pthread_create(
    thread: *mut libc::pthread_t,
    attr: *const libc::pthread_attr_t,
    start: extern "C" fn(*mut c_void) -> *mut c_void,
    arg: *mut c_void,
) -> c_int {
    THREADS_CREATED.fetch_add(1, Ordering::Relaxed);
    // SAFETY: RTLD_NEXT finds libc's pthread_create, which has this signature.
    unsafe {
        let real = libc::dlsym(libc::RTLD_NEXT, c"pthread_create".as_ptr());
        assert!(!real.is_null(), "no pthread_create after this executable");
        let real: PthreadCreate = std::mem::transmute(real);
        real(thread, attr, start, arg)
    }
}

fn threads_created() -> u64 {
    THREADS_CREATED.load(Ordering::Relaxed)
}

// ----- counting the heap ---------------------------------------------------------------
//
// Every allocation of this process goes through `Counting`, which keeps the live heap
// bytes exactly: the memory rows (issue 17) divide a difference of live bytes by the
// number of clients or users, which RSS alone cannot do precisely (the allocator keeps
// freed pages, and pages are 4 KiB).
//
// Only `pool-memory` counts (`COUNTING`): a `get_session` allocates ~100 times, and an
// atomic add per allocation and free (~20 cycles each) is ≈ 1 µs of the benchmark's
// own bookkeeping charged to the client's wall and CPU time in the other subcommands.

struct Counting;

static LIVE_BYTES: AtomicU64 = AtomicU64::new(0);
static COUNTING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn count(add: u64, sub: u64) {
    if COUNTING.load(Ordering::Relaxed) {
        LIVE_BYTES.fetch_add(add, Ordering::Relaxed);
        LIVE_BYTES.fetch_sub(sub, Ordering::Relaxed);
    }
}

// SAFETY: forwards to the system allocator unchanged; only counts.
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: std::alloc::Layout) -> *mut u8 {
        let p = unsafe { std::alloc::System.alloc(l) };
        if !p.is_null() {
            count(l.size() as u64, 0);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, l: std::alloc::Layout) -> *mut u8 {
        let p = unsafe { std::alloc::System.alloc_zeroed(l) };
        if !p.is_null() {
            count(l.size() as u64, 0);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: std::alloc::Layout) {
        unsafe { std::alloc::System.dealloc(p, l) };
        count(0, l.size() as u64);
    }
    unsafe fn realloc(&self, p: *mut u8, l: std::alloc::Layout, new: usize) -> *mut u8 {
        let q = unsafe { std::alloc::System.realloc(p, l, new) };
        if !q.is_null() {
            count(new as u64, l.size() as u64);
        }
        q
    }
}

#[global_allocator]
static HEAP: Counting = Counting;

fn live_bytes() -> u64 {
    LIVE_BYTES.load(Ordering::Relaxed)
}

/// A `/proc/self/status` field in KiB (`VmRSS`, `VmHWM`).
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first().cloned() else {
        usage();
    };
    let opts = Opts::parse(&args[1..]);
    let out = match cmd.as_str() {
        "session" => cmd_session(&opts),
        "calls" => cmd_calls(&opts),
        "concurrency" => cmd_concurrency(&opts),
        "pool-memory" => cmd_pool_memory(&opts),
        "lookups" => cmd_lookups(&opts),
        "count" => cmd_count(&opts),
        _ => usage(),
    };
    println!("{out}");
}

fn usage() -> ! {
    eprintln!(
        "usage: authjs-bench session|calls|concurrency|pool-memory|lookups|count --url URL [--n N] [...]"
    );
    std::process::exit(2)
}

struct Opts(HashMap<String, String>);

impl Opts {
    fn parse(args: &[String]) -> Opts {
        let mut m = HashMap::new();
        let mut it = args.iter();
        while let Some(k) = it.next() {
            let Some(k) = k.strip_prefix("--") else {
                usage()
            };
            let v = it.next().unwrap_or_else(|| usage());
            m.insert(k.to_string(), v.clone());
        }
        Opts(m)
    }
    fn url(&self) -> String {
        self.0
            .get("url")
            .cloned()
            .or_else(|| std::env::var("AUTHJS_TEST_V4_URL").ok())
            .unwrap_or_else(|| usage())
    }
    fn num(&self, k: &str, default: usize) -> usize {
        self.0
            .get(k)
            .map(|v| v.parse().unwrap_or_else(|_| usage()))
            .unwrap_or(default)
    }
}

/// `host:port` of an `http://host:port` URL.
fn host_port(url: &str) -> String {
    let rest = url
        .strip_prefix("http://")
        .expect("the benchmark runs against a plain-http loopback server");
    rest.split('/').next().unwrap().to_string()
}

/// User + system CPU time of this process, in nanoseconds.
fn process_cpu_ns() -> u64 {
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct we own.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    assert_eq!(rc, 0);
    let tv = |t: libc::timeval| t.tv_sec as u64 * 1_000_000_000 + t.tv_usec as u64 * 1_000;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

fn unique_ua(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("authjs-bench/{tag}-{}-{nanos}", std::process::id())
}

fn signed_in_client(url: &str, ua: &str) -> Client {
    let c = Client::builder(url).user_agent(ua).build().expect("client");
    sign_in(&c);
    c
}

fn sign_in(c: &Client) {
    let r = c
        .sign_in(
            Some("credentials"),
            SignInOptions::new()
                .field("username", "alice")
                .field("password", "alice-password"),
        )
        .expect("sign-in");
    assert!(r.ok, "sign-in refused: {r:?}");
}

/// Samples and CPU of one measured operation.
#[derive(Default)]
struct Series {
    ns: Vec<u64>,
    cpu_ns: u64,
    threads_created: u64,
}

impl Series {
    fn json(&self) -> Value {
        json!({"ns": self.ns, "cpu_ns": self.cpu_ns, "calls": self.ns.len(),
               "threads_created": self.threads_created})
    }
}

/// Runs `block` timed calls of `f`, adding the samples, the CPU and the threads the
/// calls created to `s`.
fn run_block(s: &mut Series, block: usize, f: &mut dyn FnMut()) {
    let threads0 = threads_created();
    let cpu0 = process_cpu_ns();
    for _ in 0..block {
        let t = Instant::now();
        f();
        s.ns.push(t.elapsed().as_nanos() as u64);
    }
    s.cpu_ns += process_cpu_ns() - cpu0;
    s.threads_created += threads_created() - threads0;
}

/// Measures several operations interleaved: `n` calls of each, in blocks of `block`,
/// the order of the operations rotating from one round of blocks to the next, after
/// `warmup` untimed calls of each.
fn interleaved(
    ops: &mut [(&str, &mut dyn FnMut())],
    n: usize,
    warmup: usize,
    block: usize,
) -> Vec<Series> {
    for (_, f) in ops.iter_mut() {
        for _ in 0..warmup {
            f();
        }
    }
    let mut series: Vec<Series> = ops.iter().map(|_| Series::default()).collect();
    let rounds = n.div_ceil(block);
    for r in 0..rounds {
        let this_block = block.min(n - r * block);
        for k in 0..ops.len() {
            let i = (k + r) % ops.len();
            run_block(&mut series[i], this_block, &mut *ops[i].1);
        }
    }
    series
}

// ----- session: authjs vs the floor ---------------------------------------------------

fn cmd_session(o: &Opts) -> Value {
    let url = o.url();
    let n = o.num("n", 1000);
    let warmup = o.num("warmup", 100);
    let block = o.num("block", 100);
    let ua = unique_ua("session");
    let client = signed_in_client(&url, &ua);
    let cookie = client.cookie_header();
    let mut floor = Floor::new(&host_port(&url), "/api/auth/session", &ua, &cookie).unwrap();

    // Both must be reading the same, signed-in session.
    let s = client.get_session().unwrap().expect("signed in");
    assert_eq!(s.user.email.as_deref(), Some("alice@example.com"));
    assert_eq!(floor.get().unwrap(), 200);
    assert!(
        String::from_utf8_lossy(&floor.body).contains("alice@example.com"),
        "the floor is not signed in"
    );

    let mut floor_op = || {
        let status = floor.get().expect("floor GET session");
        assert_eq!(status, 200);
    };
    let mut rust_op = || {
        let s = client.get_session().expect("get_session");
        assert!(s.is_some(), "signed out during the benchmark");
    };
    let series = interleaved(
        &mut [("floor", &mut floor_op), ("rust", &mut rust_op)],
        n,
        warmup,
        block,
    );
    assert!(String::from_utf8_lossy(&floor.body).contains("alice@example.com"));
    json!({
        "floor": series[0].json(),
        "rust": series[1].json(),
        "floor_connects": floor.connects,
        "cookie_header_bytes": cookie.len(),
    })
}

// ----- calls: the peer of the next-auth/react row --------------------------------------

/// Requests the server received from user agent `ua` (its test-only counter).
fn counted(probe: &Client, ua: &str) -> (u64, Value) {
    let path = format!("/api/test/requests?ua={}", ua.replace('/', "%2F"));
    let r = probe.request("GET", &path, None, &[]).expect("counter");
    assert_eq!(r.status, 200, "the request counter route is missing");
    let v = r.json().unwrap();
    (v["total"].as_u64().unwrap(), v["byRoute"].clone())
}

fn cmd_calls(o: &Opts) -> Value {
    let url = o.url();
    let n = o.num("n", 1000);
    let warmup = o.num("warmup", 100);
    let block = o.num("block", 100);
    let probe = Client::new(&url).unwrap();

    // Requests per operation, counted by the server.
    let ua = unique_ua("counts");
    let c = Client::builder(&url).user_agent(&ua).build().unwrap();
    let mut last = 0;
    let mut delta = |what: &str, counts: &mut Vec<Value>| {
        let (now, by_route) = counted(&probe, &ua);
        counts.push(json!({"op": what, "requests": now - last, "by_route_total": by_route}));
        last = now;
    };
    let mut counts = Vec::new();
    sign_in(&c);
    delta("cold sign-in", &mut counts);
    c.get_session().unwrap().unwrap();
    delta("get_session", &mut counts);
    c.get_csrf_token().unwrap();
    delta("get_csrf_token", &mut counts);
    c.get_providers().unwrap();
    delta("get_providers", &mut counts);
    c.sign_out(SignOutOptions::default()).unwrap();
    delta("sign-out", &mut counts);
    sign_in(&c);
    delta("warm sign-in", &mut counts);

    // Latency of the three calls.
    let ua = unique_ua("calls");
    let client = signed_in_client(&url, &ua);
    let mut session_op = || {
        assert!(client.get_session().unwrap().is_some());
    };
    let mut csrf_op = || {
        assert!(!client.get_csrf_token().unwrap().is_empty());
    };
    let mut providers_op = || {
        assert!(client.get_providers().unwrap().contains_key("credentials"));
    };
    let series = interleaved(
        &mut [
            ("get_session", &mut session_op),
            ("get_csrf_token", &mut csrf_op),
            ("get_providers", &mut providers_op),
        ],
        n,
        warmup,
        block,
    );
    json!({
        "get_session": series[0].json(),
        "get_csrf_token": series[1].json(),
        "get_providers": series[2].json(),
        "counts": counts,
    })
}

// ----- concurrency ----------------------------------------------------------------------

/// Runs `threads` threads, each doing `per_thread` calls of its own operation, started
/// together; returns requests per second over the wall time of the whole batch.
fn throughput(ops: Vec<Box<dyn FnMut() + Send>>, per_thread: usize) -> f64 {
    let threads = ops.len();
    let barrier = Arc::new(Barrier::new(threads + 1));
    let handles: Vec<_> = ops
        .into_iter()
        .map(|mut op| {
            let b = barrier.clone();
            std::thread::spawn(move || {
                b.wait();
                for _ in 0..per_thread {
                    op();
                }
            })
        })
        .collect();
    barrier.wait();
    let t = Instant::now();
    for h in handles {
        h.join().expect("a benchmark thread panicked");
    }
    (threads * per_thread) as f64 / t.elapsed().as_secs_f64()
}

fn shared_ops(client: &Client, threads: usize, path: &'static str) -> Vec<Box<dyn FnMut() + Send>> {
    (0..threads)
        .map(|_| {
            let c = client.clone();
            let op: Box<dyn FnMut() + Send> = if path == "session" {
                Box::new(move || assert!(c.get_session().unwrap().is_some()))
            } else {
                Box::new(move || assert_eq!(c.request("GET", path, None, &[]).unwrap().status, 200))
            };
            op
        })
        .collect()
}

fn raw_ops(
    url: &str,
    ua: &str,
    cookie: &str,
    threads: usize,
    path: &str,
) -> Vec<Box<dyn FnMut() + Send>> {
    let path = if path == "session" {
        "/api/auth/session"
    } else {
        path
    };
    (0..threads)
        .map(|_| {
            let mut f = Floor::new(&host_port(url), path, ua, cookie).unwrap();
            let op: Box<dyn FnMut() + Send> = Box::new(move || assert_eq!(f.get().unwrap(), 200));
            op
        })
        .collect()
}

fn cmd_concurrency(o: &Opts) -> Value {
    let url = o.url();
    let threads = o.num("threads", 8);
    let per_thread = o.num("per-thread", 150);
    let trials = o.num("trials", 3);
    let slow_ms = o.num("slow-ms", 50);
    let slow_per_thread = o.num("slow-per-thread", 10);
    let ua = unique_ua("concurrency");
    let client = signed_in_client(&url, &ua);
    let cookie = client.cookie_header();

    // Warm-up: the shared client's pool grows to `threads` connections.
    throughput(shared_ops(&client, threads, "session"), 10);
    throughput(raw_ops(&url, &ua, &cookie, threads, "session"), 10);

    let mut shared = Vec::new();
    let mut raw = Vec::new();
    for t in 0..trials {
        // Alternate which goes first.
        if t % 2 == 0 {
            shared.push(throughput(
                shared_ops(&client, threads, "session"),
                per_thread,
            ));
            raw.push(throughput(
                raw_ops(&url, &ua, &cookie, threads, "session"),
                per_thread,
            ));
        } else {
            raw.push(throughput(
                raw_ops(&url, &ua, &cookie, threads, "session"),
                per_thread,
            ));
            shared.push(throughput(
                shared_ops(&client, threads, "session"),
                per_thread,
            ));
        }
    }
    let single = {
        let mut ops = shared_ops(&client, 1, "session");
        throughput(std::mem::take(&mut ops), per_thread)
    };

    // A route where the server waits instead of computing: if the client held a lock
    // during I/O, 8 threads would get the throughput of one.
    let slow_path: &'static str = Box::leak(format!("/api/slow?ms={slow_ms}").into_boxed_str());
    let slow_shared = throughput(shared_ops(&client, threads, slow_path), slow_per_thread);
    let slow_raw = throughput(
        raw_ops(&url, &ua, &cookie, threads, slow_path),
        slow_per_thread,
    );
    let slow_single = throughput(shared_ops(&client, 1, slow_path), slow_per_thread);
    std::thread::sleep(Duration::from_millis(10));
    json!({
        "threads": threads,
        "per_thread": per_thread,
        "shared_rps": shared,
        "raw_rps": raw,
        "single_thread_rps": single,
        "slow_ms": slow_ms,
        "slow_per_thread": slow_per_thread,
        "slow_shared_rps": slow_shared,
        "slow_raw_rps": slow_raw,
        "slow_single_rps": slow_single,
        "threads_created_total": threads_created(),
    })
}

// ----- issue 17: many users on one pool -------------------------------------------------

fn tls_builder(url: &str, ca: &str, ua: &str) -> authjs::ClientBuilder {
    let b = Client::builder(url).user_agent(ua);
    if url.starts_with("https:") {
        b.add_root_certificate_file(ca)
    } else {
        b
    }
}

/// `clients` standalone clients of `url`, each after one (anonymous) session read:
/// live heap bytes and RSS per client, and the TLS work they did.
fn standalone(url: &str, ca: &str, ua: &str, clients: usize) -> Value {
    // One client first, so that what every client shares (the process's TLS
    // configuration) is not charged to the others.
    let first = tls_builder(url, ca, ua).build().expect("client");
    assert!(first.get_session().unwrap().is_none());
    let heap0 = live_bytes();
    let rss0 = status_kib("VmRSS:");
    let tls0 = authjs::tls_stats();
    let all: Vec<Client> = (0..clients)
        .map(|_| {
            let c = tls_builder(url, ca, ua).build().expect("client");
            assert!(c.get_session().unwrap().is_none());
            c
        })
        .collect();
    let heap = live_bytes().wrapping_sub(heap0);
    let rss = status_kib("VmRSS:").saturating_sub(rss0);
    let tls = authjs::tls_stats();
    drop(all);
    json!({
        "clients": clients,
        "heap_bytes_per_client": heap as f64 / clients as f64,
        "rss_kib_per_client": rss as f64 / clients as f64,
        "tls_configs_built": tls.configs_built - tls0.configs_built,
        "tls_handshakes": tls.handshakes - tls0.handshakes,
    })
}

fn cmd_pool_memory(o: &Opts) -> Value {
    // Frees of memory allocated before this may take the count below zero: the
    // differences below are taken modulo 2^64.
    COUNTING.store(true, Ordering::Relaxed);
    let url = o.url();
    let tls_url = o.0.get("tls-url").cloned().unwrap_or_else(|| usage());
    let ca = o.0.get("ca").cloned().unwrap_or_else(|| usage());
    let users_n = o.num("users", 10_000);
    let clients_n = o.num("clients", 300);
    let ua = unique_ua("pool-memory");
    let tls_start = authjs::tls_stats();

    let http = standalone(&url, &ca, &ua, clients_n);
    let https = standalone(&tls_url, &ca, &ua, clients_n);

    // Users on one pool over https: each signs in (its own session cookie) and reads its
    // session once; the base client's pool holds the connections.
    let base = tls_builder(&tls_url, &ca, &ua).build().expect("client");
    // Warm: the pool's connection, the providers cache and the TLS configuration exist.
    let warm = base.user();
    sign_in(&warm);
    assert!(warm.get_session().unwrap().is_some());
    drop(warm);
    let heap0 = live_bytes();
    let rss0 = status_kib("VmRSS:");
    let tls0 = authjs::tls_stats();
    let t = Instant::now();
    let cpu0 = process_cpu_ns();
    let users: Vec<Client> = (0..users_n)
        .map(|_| {
            let u = base.user();
            sign_in(&u);
            assert!(u.get_session().unwrap().is_some());
            u
        })
        .collect();
    let wall = t.elapsed().as_secs_f64();
    let cpu = (process_cpu_ns() - cpu0) as f64 / 1e9;
    let heap = live_bytes().wrapping_sub(heap0);
    let rss = status_kib("VmRSS:").saturating_sub(rss0);
    let tls = authjs::tls_stats();
    let cookie_bytes = users[0].cookie_header().len();
    // Every user is still signed in, with a session of its own.
    let distinct: std::collections::HashSet<String> =
        users.iter().take(100).map(|u| u.cookie_header()).collect();
    assert_eq!(distinct.len(), users.len().min(100));
    let out = json!({
        "http": http,
        "https": https,
        "users": {
            "users": users_n,
            "heap_bytes_per_user": heap as f64 / users_n as f64,
            "rss_kib_per_user": rss as f64 / users_n as f64,
            "cookie_header_bytes": cookie_bytes,
            "tls_configs_built": tls.configs_built - tls0.configs_built,
            "tls_handshakes": tls.handshakes - tls0.handshakes,
            "wall_s": wall,
            "cpu_s": cpu,
        },
        "tls_configs_built_total": authjs::tls_stats().configs_built - tls_start.configs_built,
        "peak_rss_kib": status_kib("VmHWM:"),
        "rss_kib_end": status_kib("VmRSS:"),
    });
    drop(users);
    out
}

fn cmd_lookups(o: &Opts) -> Value {
    let url = o.url();
    let threads = o.num("threads", 8);
    let per_thread = o.num("per-thread", 150);
    let trials = o.num("trials", 3);
    let ua = unique_ua("lookups");
    let browser = signed_in_client(&url, &ua);
    let cookie = browser.cookie_header();
    let backend = Client::builder(&url)
        .user_agent(&ua)
        .build()
        .expect("client");
    let lookup_ops = |n: usize| -> Vec<Box<dyn FnMut() + Send>> {
        (0..n)
            .map(|_| {
                let c = backend.clone();
                let h = cookie.clone();
                let op: Box<dyn FnMut() + Send> = Box::new(move || {
                    let found = c.lookup(&h).unwrap();
                    assert!(found.session.is_some() && !found.set_cookies.is_empty());
                });
                op
            })
            .collect()
    };
    // Warm-up: the backend's pool grows to `threads` connections.
    throughput(lookup_ops(threads), 10);
    throughput(raw_ops(&url, &ua, &cookie, threads, "session"), 10);
    let (mut pool, mut raw) = (Vec::new(), Vec::new());
    for t in 0..trials {
        if t % 2 == 0 {
            pool.push(throughput(lookup_ops(threads), per_thread));
            raw.push(throughput(
                raw_ops(&url, &ua, &cookie, threads, "session"),
                per_thread,
            ));
        } else {
            raw.push(throughput(
                raw_ops(&url, &ua, &cookie, threads, "session"),
                per_thread,
            ));
            pool.push(throughput(lookup_ops(threads), per_thread));
        }
    }
    // No session cookie: answered without a request.
    let anon = {
        let c = backend.clone();
        let n = 100_000;
        let t = Instant::now();
        for _ in 0..n {
            assert!(
                c.lookup("theme=dark; _ga=GA1.2.3")
                    .unwrap()
                    .session
                    .is_none()
            );
        }
        t.elapsed().as_nanos() as f64 / n as f64
    };
    json!({
        "threads": threads,
        "per_thread": per_thread,
        "pool_rps": pool,
        "raw_rps": raw,
        "anonymous_lookup_ns": anon,
        "tls_handshakes": authjs::tls_stats().handshakes,
    })
}

// ----- count: one operation, N times, for instruction counts -------------------------

fn cmd_count(o: &Opts) -> Value {
    let url = o.url();
    let n = o.num("n", 1000);
    let warmup = o.num("warmup", 20);
    let op = o.0.get("op").cloned().unwrap_or_else(|| usage());
    let ua = unique_ua("count");
    let client = signed_in_client(&url, &ua);
    let cookie = client.cookie_header();
    let mut f: Box<dyn FnMut()> = match op.as_str() {
        "floor" => {
            let mut floor =
                Floor::new(&host_port(&url), "/api/auth/session", &ua, &cookie).unwrap();
            Box::new(move || assert_eq!(floor.get().unwrap(), 200))
        }
        "session" => Box::new(|| assert!(client.get_session().unwrap().is_some())),
        "lookup" => {
            let backend = Client::builder(&url)
                .user_agent(&ua)
                .build()
                .expect("client");
            Box::new(move || {
                let found = backend.lookup(&cookie).unwrap();
                assert!(found.session.is_some() && !found.set_cookies.is_empty());
            })
        }
        _ => usage(),
    };
    for _ in 0..warmup {
        f();
    }
    for _ in 0..n {
        f();
    }
    json!({"op": op, "n": n})
}
