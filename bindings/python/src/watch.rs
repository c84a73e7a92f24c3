//! The session lifecycle (issue 13) for Python: `Client.status`, the iterator form
//! (`Watch`, on the caller's thread) and the callback form (`Watcher`, on the core's
//! `authjs-watcher` thread). Only conversions: what is an event, its name, reason and
//! status come from `authjs::Event` / `authjs::Status`; `authjs.lifecycle` builds
//! the typed objects from the dicts made here.

use super::{Client, CoreResultExt, interruptible, invalid, seconds_arg, session_to_py};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long one wait of the iterator form lasts: between two waits the caller runs
/// the signal handlers (Ctrl-C) and sees a `close()` from another thread.
const SLICE: Duration = Duration::from_millis(50);

/// Registers this module's classes and functions (one line in `lib.rs`).
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Watch>()?;
    m.add_class::<Watcher>()?;
    m.add_function(wrap_pyfunction!(client_status, m)?)?;
    Ok(())
}

/// `useSession().status` of a client, without a request: `"loading"`,
/// `"authenticated"` or `"unauthenticated"` (the core's names).
#[pyfunction]
fn client_status(client: &Bound<'_, Client>) -> &'static str {
    client.get().inner.status().as_str()
}

/// An event as a dict: the core's JSON shape (`Event::to_json`), with `session` as
/// the same dict `get_session` returns, so Python builds the same `Session` object.
fn event_to_py<'py>(py: Python<'py>, e: &authjs::Event) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    let json = e.to_json();
    for key in ["event", "status", "reason", "kind", "message"] {
        if let Some(v) = json.get(key).and_then(|v| v.as_str()) {
            out.set_item(key, v)?;
        }
    }
    let session = match e {
        authjs::Event::Initial { session, .. } => session.as_ref(),
        authjs::Event::SignedIn(s) | authjs::Event::Updated(s) | authjs::Event::Refreshed(s) => {
            Some(s)
        }
        _ => None,
    };
    match session {
        Some(s) => out.set_item("session", session_to_py(py, s)?)?,
        None if json.get("session").is_some() => out.set_item("session", py.None())?,
        None => {}
    }
    Ok(out)
}

/// The core's options from the keyword arguments (seconds as numbers).
fn options(
    interval: &Bound<'_, PyAny>,
    refetch_when_offline: bool,
    emit_refreshed: bool,
    file_check_interval: &Bound<'_, PyAny>,
) -> PyResult<authjs::WatchOptions> {
    Ok(authjs::WatchOptions::new()
        .refetch_interval(seconds_arg(interval, "interval")?)
        .refetch_when_offline(refetch_when_offline)
        .emit_refreshed(emit_refreshed)
        .file_check_interval(seconds_arg(file_check_interval, "file_check_interval")?))
}

fn open_client<'a>(client: &'a Bound<'_, Client>) -> PyResult<&'a authjs::Client> {
    client.get().open(client.py())
}

/// The core watch and the events it produced that nobody took yet: a wait abandoned
/// by Ctrl-C finishes on the interruptible worker and leaves its event here, so the
/// next `next_event` returns it instead of losing it.
struct Shared {
    watch: Option<authjs::Watch>,
    pending: VecDeque<authjs::Event>,
}

fn lock(m: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The iterator form: no thread of its own; `next_event` does the refetches and
/// cookie-file checks that fall due while it waits, with the GIL released.
#[pyclass(frozen, module = "authjs._authjs", name = "Watch")]
struct Watch {
    shared: Arc<Mutex<Shared>>,
    closed: AtomicBool,
}

#[pymethods]
impl Watch {
    #[new]
    #[pyo3(signature = (client, *, interval, refetch_when_offline = true, emit_refreshed = false, file_check_interval))]
    fn new(
        client: &Bound<'_, Client>,
        interval: &Bound<'_, PyAny>,
        refetch_when_offline: bool,
        emit_refreshed: bool,
        file_check_interval: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let py = client.py();
        let options = options(
            interval,
            refetch_when_offline,
            emit_refreshed,
            file_check_interval,
        )?;
        let watch = open_client(client)?.watch(options).py(py)?;
        Ok(Watch {
            shared: Arc::new(Mutex::new(Shared {
                watch: Some(watch),
                pending: VecDeque::new(),
            })),
            closed: AtomicBool::new(false),
        })
    }

    /// The next event as a dict, waiting at most `timeout` seconds (`None`: until
    /// there is one); `None` when nothing happened in that time or the watch is
    /// closed. Ctrl-C on the main thread interrupts the wait within about 50 ms.
    #[pyo3(signature = (timeout = None))]
    fn next_event<'py>(
        &self,
        py: Python<'py>,
        timeout: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        let deadline = match timeout.filter(|t| !t.is_none()) {
            Some(t) => Some(
                Instant::now()
                    .checked_add(seconds_arg(t, "timeout")?)
                    .ok_or_else(|| invalid(py, "timeout is out of range"))?,
            ),
            None => None,
        };
        loop {
            if self.closed.load(Ordering::Acquire) {
                return Ok(None);
            }
            let slice = match deadline {
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Ok(None);
                    }
                    left.min(SLICE)
                }
                None => SLICE,
            };
            let shared = Arc::clone(&self.shared);
            // The wait runs with the GIL released; on the main thread on the
            // interruptible worker, which keeps the event in `pending` if the caller
            // was interrupted meanwhile.
            let got = interruptible::run(py, move || {
                let mut st = lock(&shared);
                if st.pending.is_empty() {
                    let event = st.watch.as_mut().and_then(|w| w.next_event(slice));
                    st.pending.extend(event);
                }
                st.pending.pop_front()
            })?;
            if let Some(e) = got {
                return event_to_py(py, &e).map(Some);
            }
        }
    }

    #[getter]
    fn closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Stops the watch: no more refetches; `next_event` returns `None`. Waits (GIL
    /// released) for a wait in progress on another thread, at most one slice or the
    /// refetch it is doing.
    fn close(&self, py: Python<'_>) {
        self.closed.store(true, Ordering::Release);
        let shared = Arc::clone(&self.shared);
        let watch = py.detach(move || lock(&shared).watch.take());
        drop(watch);
    }

    fn __repr__(&self) -> String {
        format!(
            "<authjs._authjs.Watch{}>",
            if self.closed() { " closed" } else { "" }
        )
    }
}

/// The callback form: the core's `authjs-watcher` thread calls `callback(event_dict)`
/// with the GIL. The thread is not a `threading.Thread`, so it never keeps the
/// interpreter alive; once the interpreter is shutting down it no longer attaches
/// (`Python::try_attach`) and just ends.
#[pyclass(frozen, module = "authjs._authjs", name = "Watcher")]
struct Watcher {
    inner: Mutex<Option<authjs::Watcher>>,
}

#[pymethods]
impl Watcher {
    #[new]
    #[pyo3(signature = (client, callback, *, interval, refetch_when_offline = true, emit_refreshed = false, file_check_interval))]
    fn new(
        client: &Bound<'_, Client>,
        callback: &Bound<'_, PyAny>,
        interval: &Bound<'_, PyAny>,
        refetch_when_offline: bool,
        emit_refreshed: bool,
        file_check_interval: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let py = client.py();
        if !callback.is_callable() {
            return Err(PyTypeError::new_err("callback must be callable"));
        }
        let options = options(
            interval,
            refetch_when_offline,
            emit_refreshed,
            file_check_interval,
        )?;
        let callback: Py<PyAny> = callback.clone().unbind();
        let deliver = move |event: authjs::Event| {
            // `None`: the interpreter is finalizing; the event has nobody to go to.
            let _ = Python::try_attach(|py| {
                let result = event_to_py(py, &event).and_then(|d| callback.call1(py, (d,)));
                if let Err(e) = result {
                    // Like an exception in a `threading.Thread` target: reported, and
                    // the watch goes on.
                    e.write_unraisable(py, Some(callback.bind(py)));
                }
            });
        };
        let c = open_client(client)?.clone();
        let watcher = py
            .detach(move || c.watch_in_background(options, Some(Box::new(deliver))))
            .py(py)?;
        Ok(Watcher {
            inner: Mutex::new(Some(watcher)),
        })
    }

    #[getter]
    fn closed(&self) -> bool {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
    }

    /// Stops the thread: joined within 100 ms, or it ends by itself once the refetch
    /// it is in returns (no callback after that). The GIL is released meanwhile, so a
    /// callback in progress can finish.
    fn close(&self, py: Python<'_>) {
        let watcher = self.inner.lock().unwrap_or_else(|p| p.into_inner()).take();
        py.detach(move || drop(watcher));
    }

    fn __repr__(&self) -> String {
        format!(
            "<authjs._authjs.Watcher{}>",
            if self.closed() { " closed" } else { "" }
        )
    }
}
