//! One client shared by 8 threads doing mixed operations against a real Auth.js
//! server: no panic, no deadlock, and a consistent jar at the end (signed in or out,
//! never half of a chunked session cookie).

mod support;

use authjs::{Client, SignOutOptions};
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::*;

const THREADS: usize = 8;

/// Aborts the test process if the work has not finished in time (a deadlock must fail
/// the suite, not hang it).
fn watchdog(done: &'static AtomicBool, limit: Duration, what: &'static str) {
    std::thread::spawn(move || {
        let start = Instant::now();
        while !done.load(Ordering::SeqCst) {
            if start.elapsed() > limit {
                eprintln!("{what}: no progress after {limit:?}: deadlock?");
                std::process::abort();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
}

/// Session-token cookies form either one cookie or a gap-free run of chunks.
fn assert_consistent(c: &Client, name: &str) {
    let mut names: Vec<String> = c
        .cookies()
        .into_iter()
        .map(|k| k.name)
        .filter(|n| n.contains("session-token"))
        .collect();
    names.sort();
    if names.len() > 1 {
        for (i, n) in names.iter().enumerate() {
            assert!(
                n.ends_with(&format!(".{i}")),
                "{name}: chunks with a gap or a stray cookie: {names:?}"
            );
        }
    }
    let server_says = c.get_session().unwrap().is_some();
    assert_eq!(
        server_says,
        !names.is_empty(),
        "{name}: jar {names:?} vs server {server_says}"
    );
}

fn run(s: Server, per_thread: usize, done: &'static AtomicBool) {
    let c = s.client();
    sign_in_alice(&c);
    let ops = AtomicUsize::new(0);
    let t0 = Instant::now();
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let c = c.clone();
            let ops = &ops;
            let name = s.name;
            scope.spawn(move || {
                for i in 0..per_thread {
                    match (i * 7 + t) % 20 {
                        0 => {
                            c.sign_out(SignOutOptions::default()).unwrap();
                        }
                        1 => {
                            let (user, pw) = if t % 2 == 0 {
                                ("alice", "alice-password")
                            } else {
                                ("carol", "carol-password")
                            };
                            let r = c.sign_in(Some("credentials"), creds(user, pw)).unwrap();
                            assert!(r.ok, "{name}: {r:?}");
                        }
                        2 | 3 => {
                            let _ = c
                                .update_session(json!({"name": format!("T{t}-{i}")}))
                                .unwrap();
                        }
                        4 | 5 => {
                            let r = c.request("GET", "/api/me", None, &[]).unwrap();
                            assert!(r.status == 200 || r.status == 401, "{name}: {}", r.status);
                        }
                        _ => {
                            if let Some(session) = c.get_session().unwrap() {
                                assert!(session.user.email.is_some(), "{name}");
                            }
                        }
                    }
                    ops.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    done.store(true, Ordering::SeqCst);
    let n = ops.load(Ordering::Relaxed);
    assert_eq!(n, THREADS * per_thread);
    println!(
        "{}: {n} operations on one client from {THREADS} threads in {:?}",
        s.name,
        t0.elapsed()
    );
    assert_consistent(&c, s.name);
    // Still usable afterwards.
    c.sign_out(SignOutOptions::default()).unwrap();
    assert!(!c.has_session_cookie());
    sign_in_alice(&c);
    assert_consistent(&c, s.name);
}

#[test]
fn eight_threads_thousand_ops_each_v5() {
    static DONE: AtomicBool = AtomicBool::new(false);
    watchdog(&DONE, Duration::from_secs(300), "v5 concurrency");
    run(v5(), 1000, &DONE);
}

#[test]
fn eight_threads_thousand_ops_each_v4() {
    static DONE: AtomicBool = AtomicBool::new(false);
    watchdog(&DONE, Duration::from_secs(300), "v4 concurrency");
    run(v4(), 1000, &DONE);
}
