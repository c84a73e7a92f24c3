//! `fork()`: one client used on both sides of a fork (gunicorn `--preload`, Celery,
//! `multiprocessing` with the fork start method).
//!
//! The parent signs in as alice and pools a connection; after the fork the child signs
//! the same client in as bob, and both then read the session many times at once. A
//! pooled connection shared by the two processes hands each one the other's replies
//! (or breaks the TLS stream); the child must open its own connections instead.
//!
//! One test in this file, on purpose: it forks, and a fork is only predictable when no
//! other test thread is running in the process.

#![allow(unsafe_code)]

mod support;

use authjs::Client;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::FromRawFd;
use std::time::Duration;
use support::*;

/// Session reads per process and server.
const CALLS: usize = 200;

/// Reads the session `CALLS` times; every read must be `name`'s session.
fn own_session_every_time(c: &Client, name: &str) -> Result<(), String> {
    for i in 0..CALLS {
        match c.get_session() {
            Ok(Some(s)) if s.user.name.as_deref() == Some(name) => {}
            Ok(Some(s)) => {
                return Err(format!(
                    "read {i} of {name}'s session returned {:?}'s",
                    s.user.name
                ));
            }
            Ok(None) => return Err(format!("read {i} of {name}'s session: signed out")),
            Err(e) => return Err(format!("read {i} of {name}'s session failed: {e}")),
        }
    }
    Ok(())
}

/// The child's side: sign the inherited client in as bob, tell the parent, read.
/// Returns the report written to the pipe ("ok" or what went wrong).
fn child(c: &Client, to_parent: &mut File) -> String {
    match c.sign_in(Some("credentials"), creds("bob", "bob-password")) {
        Ok(r) if r.ok => {}
        Ok(r) => return format!("bob's sign-in in the child was refused: {r:?}"),
        Err(e) => return format!("bob's sign-in in the child failed: {e}"),
    }
    // The parent starts reading only now, so both loops overlap.
    if to_parent.write_all(b"+").is_err() {
        return "cannot write to the parent".to_string();
    }
    match own_session_every_time(c, "Bob") {
        Ok(()) => "ok".to_string(),
        Err(e) => e,
    }
}

fn pipe() -> (File, File) {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe() writes.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0, "pipe()");
    // SAFETY: both descriptors were just opened and are owned by nothing else.
    unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) }
}

#[test]
fn parent_and_child_never_share_a_pooled_connection() {
    // One server per transport (the pool is below the protocol): v4, v5, v5 over https.
    for s in [support::v4(), support::v5(), support::v5_tls()] {
        // A short timeout: two processes reading one socket can also leave one of
        // them waiting for a reply the other consumed.
        let c = s
            .builder()
            .timeout(Duration::from_secs(5))
            .build()
            .expect("client");
        sign_in_alice(&c);
        // This read leaves an idle connection in the pool, which the fork copies.
        let before = c.get_session().unwrap().expect("alice's session");
        assert_eq!(before.user.name.as_deref(), Some("Alice Liddell"));

        let (mut from_child, mut to_parent) = pipe();
        // SAFETY: this test is the only one in its process (see the module docs), so
        // no other thread holds a lock the child could need; the child never returns
        // into the test harness (it ends with `_exit`).
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork() failed");
        if pid == 0 {
            drop(from_child);
            let report = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                child(&c, &mut to_parent)
            }))
            .unwrap_or_else(|_| "the child panicked".to_string());
            let _ = to_parent.write_all(format!("\n{report}").as_bytes());
            drop(to_parent);
            // SAFETY: ends the child without running the harness's exit handlers.
            unsafe { libc::_exit(if report == "ok" { 0 } else { 1 }) };
        }
        drop(to_parent);
        let mut ready = [0u8; 1];
        let child_ready = from_child.read_exact(&mut ready).is_ok();
        let parent_result = if child_ready {
            own_session_every_time(&c, "Alice Liddell")
        } else {
            Ok(())
        };
        let mut report = String::new();
        let _ = from_child.read_to_string(&mut report);
        let mut status = 0;
        // SAFETY: waits for the child forked above.
        assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
        let child_report = report.trim().to_string();
        let child_ok = child_ready && child_report == "ok" && libc::WIFEXITED(status);
        assert!(
            child_ok && parent_result.is_ok(),
            "{}: child (bob): {child_report:?} (exit status {status}); parent (alice): {:?}",
            s.name,
            parent_result
        );
        // And the parent's client still works, on its own connection.
        let after = c.get_session().unwrap().expect("alice's session");
        assert_eq!(
            after.user.name.as_deref(),
            Some("Alice Liddell"),
            "{}",
            s.name
        );
    }
}
