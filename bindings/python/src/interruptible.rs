//! Blocking core calls that Ctrl-C can interrupt.
//!
//! CPython runs signal handlers (the one for SIGINT raises `KeyboardInterrupt`) only on
//! the main thread, and only between bytecodes or when native code calls
//! `PyErr_CheckSignals`. A thread blocked in ureq does neither, so Ctrl-C used to wait
//! for the request to end: up to the whole timeout against a hung server.
//!
//! So on the main thread the core call runs on a worker thread instead, and the caller
//! waits for its answer with the GIL released, waking every [`POLL`] to run the signal
//! handlers. When one raises (`KeyboardInterrupt`), the caller returns that error at
//! once and abandons the call: the worker finishes it in the background, bounded by the
//! client's timeout, and the core stores its cookies as usual, so the jar always holds
//! either the state before the call or the state after it. The worker never touches
//! Python (its closure and result are plain Rust values), so it can outlive the caller,
//! or the interpreter: a Rust thread does not keep the process alive, and one still
//! blocked in a request when the interpreter exits is simply ended with the process.
//!
//! Cost on the hot path: no thread per call. One worker is kept parked after use and
//! reused (it exits after [`IDLE_EXIT`] without calls); another is started only while the kept one is busy with an abandoned call,
//! and the spare exits when it is done. What remains is the handoff: the worker must
//! wake the caller once more when the answer is in (and the call's data crosses CPU
//! caches). Measured on the 2-CPU shared machine against next-auth v4, `get_session`
//! from the main thread takes 1-3% (8-18 µs) longer than the same call made directly
//! from another thread at a load average of 1.5, 4-7% at 3. Letting the worker spin
//! for the next job did not help; letting the caller spin for the answer removed the
//! cost but burns a CPU for the whole request, so both park. Other threads cannot
//! receive signals, so they call the core directly, as before.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use std::any::Any;
use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

/// How often a waiting main thread runs the signal handlers: Ctrl-C takes effect
/// within this (plus the handler's own time).
const POLL: Duration = Duration::from_millis(50);

/// How long a parked worker waits for the next call before it exits: long enough for
/// a loop of calls to reuse it, short enough that a program which called once is left
/// with no extra thread (which `fork()` would otherwise inherit as a warning, and which
/// nobody asked for).
const IDLE_EXIT: Duration = Duration::from_secs(2);

/// A job runs the call and sends its result; it returns whether its worker should stay.
/// The worker is `None` when the job runs on the caller's thread (no worker available).
type Job = Box<dyn FnOnce(Option<&Worker>) -> bool + Send>;

/// A handle to a worker thread: the sending end of its job queue.
#[derive(Clone)]
struct Worker {
    jobs: Sender<Job>,
    /// The process that started it: after `fork()` the child has the handle but not
    /// the thread, and a job sent to it would never run.
    pid: u32,
    /// Tells workers apart, so that one leaving removes its own handle only.
    id: u64,
}

/// The parked worker, if any. Held only to take or put a handle, never during a call.
static IDLE: Mutex<Option<Worker>> = Mutex::new(None);

fn spawn_worker() -> Option<Worker> {
    static NEXT_ID: AtomicU64 = AtomicU64::new(0);
    let (jobs, queue) = mpsc::channel::<Job>();
    let me = Worker {
        jobs,
        pid: std::process::id(),
        id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
    };
    let own = me.clone();
    thread::Builder::new()
        .name("authjs-call".into())
        .spawn(move || work(own, queue))
        .ok()?;
    Some(me)
}

/// The worker's loop. It holds its own handle (to park itself), so the queue never
/// closes: it ends when a job says this worker is a spare, or when it has been parked
/// for [`IDLE_EXIT`] and can take its handle back out of the slot.
fn work(me: Worker, queue: Receiver<Job>) {
    loop {
        match queue.recv_timeout(IDLE_EXIT) {
            Ok(job) => {
                if !job(Some(&me)) {
                    return;
                }
            }
            Err(RecvTimeoutError::Timeout) => {
                if unpark(&me) {
                    // Nobody holds the handle any more, so nothing can be queued; run
                    // anything that was, to be sure no caller waits for ever.
                    while let Ok(job) = queue.try_recv() {
                        job(None);
                    }
                    return;
                }
                // A caller took the handle: its job is on the way.
            }
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// Takes `me` out of the slot if it is still parked there.
fn unpark(me: &Worker) -> bool {
    match IDLE.lock() {
        Ok(mut slot) if slot.as_ref().is_some_and(|w| w.id == me.id) => {
            *slot = None;
            true
        }
        _ => false,
    }
}

/// The parked worker, if one is there and belongs to this process.
fn take_idle() -> Option<Worker> {
    // `try_lock`: a fork while another thread held the lock leaves it locked forever in
    // the child; then a new worker is started rather than waiting.
    let worker = IDLE.try_lock().ok()?.take()?;
    (worker.pid == std::process::id()).then_some(worker)
}

/// Parks `me` for the next call unless another worker is already parked. Called by
/// the worker *before* it sends its result, so the caller's next call finds it.
fn park(me: &Worker) -> bool {
    match IDLE.lock() {
        Ok(mut slot) if slot.is_none() => {
            *slot = Some(me.clone());
            true
        }
        _ => false,
    }
}

thread_local! {
    /// Whether this thread is the interpreter's main thread, and for which process (a
    /// thread that forks becomes the child's main thread).
    static MAIN: Cell<Option<(u32, bool)>> = const { Cell::new(None) };
}

fn on_main_thread(py: Python<'_>) -> bool {
    let pid = std::process::id();
    MAIN.with(|cell| match cell.get() {
        Some((p, main)) if p == pid => main,
        _ => {
            let main = is_main_thread(py).unwrap_or(false);
            cell.set(Some((pid, main)));
            main
        }
    })
}

fn is_main_thread(py: Python<'_>) -> PyResult<bool> {
    let threading = py.import("threading")?;
    let main = threading.call_method0("main_thread")?.getattr("ident")?;
    let current = threading.call_method0("get_ident")?;
    main.eq(current)
}

type Outcome<T> = thread::Result<T>;

/// Runs the blocking `call` with the GIL released. On the main thread, a signal
/// handler that raises while it runs (Ctrl-C: `KeyboardInterrupt`) ends the wait with
/// that exception, and the call finishes in the background. A panic in `call` is
/// resumed on the caller's thread, as if it had run there.
pub fn run<T, F>(py: Python<'_>, call: F) -> PyResult<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    if !on_main_thread(py) {
        return Ok(py.detach(call));
    }
    // A Ctrl-C already pending: do not start the call at all.
    py.check_signals()?;
    let (answer, result) = mpsc::sync_channel::<Outcome<T>>(1);
    let job: Job = Box::new(move |worker| {
        let outcome = panic::catch_unwind(AssertUnwindSafe(call));
        let stay = worker.is_some_and(park);
        // Fails only when the caller was interrupted and left: the result is dropped.
        let _ = answer.send(outcome);
        stay
    });
    let job = match take_idle().or_else(spawn_worker) {
        Some(worker) => match worker.jobs.send(job) {
            Ok(()) => None,
            Err(mpsc::SendError(job)) => Some(job),
        },
        None => Some(job),
    };
    if let Some(job) = job {
        // No worker could be started: run here, uninterruptibly, as before.
        py.detach(move || job(None));
    }
    wait(py, result)
}

fn wait<T: Send>(py: Python<'_>, mut result: Receiver<Outcome<T>>) -> PyResult<T> {
    loop {
        let (got, back) = py.detach(move || (result.recv_timeout(POLL), result));
        result = back;
        match got {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(payload)) => resume(payload),
            Err(RecvTimeoutError::Timeout) => py.check_signals()?,
            Err(RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err(
                    "authjs: the call ended without an answer",
                ));
            }
        }
    }
}

fn resume(payload: Box<dyn Any + Send>) -> ! {
    panic::resume_unwind(payload)
}
