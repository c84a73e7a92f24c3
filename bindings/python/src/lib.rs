//! `authjs._authjs`: the native half of the Python package `authjs`.
//!
//! This layer only converts types. Python values become the core's argument types
//! before the call, the call runs with the GIL released (`Python::detach`; on the main
//! thread through `interruptible::run`, so that Ctrl-C interrupts it), and the
//! core's results become plain Python values (dicts, tuples, bytes) afterwards. The
//! typed objects (`Session`, `Provider`, …) are built from those in
//! `python/authjs/__init__.py`; the exception classes live in
//! `python/authjs/exceptions.py` and are imported from here by name, as pyca/cryptography
//! does. The protocol itself lives only in the `authjs` crate.
//!
//! Free-threading: the one class, [`Client`], is `frozen`; it holds the core client
//! (`Send + Sync`, locked internally) and an `AtomicBool`, so the module declares
//! `gil_used = false`.

mod interruptible;
mod token;
mod watch;

use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyUnicodeEncodeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple,
    PyType,
};
use serde_json::{Map, Value};
use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use authjs::ErrorKind;

// ---------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------

const EXCEPTIONS_MODULE: &str = "authjs.exceptions";

/// The Python class of each core error kind (named by the core's kind table), imported
/// lazily from `authjs.exceptions`.
static EXCEPTION_CLASSES: [PyOnceLock<Py<PyType>>; ErrorKind::ALL.len()] =
    [const { PyOnceLock::new() }; ErrorKind::ALL.len()];

fn exception_class(py: Python<'_>, kind: ErrorKind) -> PyResult<&Bound<'_, PyType>> {
    let index = ErrorKind::ALL
        .iter()
        .position(|k| *k == kind)
        .ok_or_else(|| PyRuntimeError::new_err("unknown authjs error kind"))?;
    EXCEPTION_CLASSES[index].import(py, EXCEPTIONS_MODULE, kind.info().python_class)
}

/// The parts of an error that cross into Python.
struct ErrorParts<'a> {
    kind: ErrorKind,
    message: &'a str,
    status: Option<u16>,
    body_excerpt: Option<&'a str>,
    known_ids: &'a [String],
    /// For `Io`: the OS error number behind it, when there is one.
    errno: Option<i32>,
}

fn raise(py: Python<'_>, parts: ErrorParts<'_>) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let cls = exception_class(py, parts.kind)?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("kind", parts.kind.as_str())?;
        kwargs.set_item("status", parts.status)?;
        kwargs.set_item("body_excerpt", parts.body_excerpt)?;
        if parts.kind == ErrorKind::UnknownProvider {
            kwargs.set_item("known_ids", PyTuple::new(py, parts.known_ids)?)?;
        }
        if parts.kind == ErrorKind::Io {
            kwargs.set_item("errno", parts.errno)?;
        }
        let exc = cls.call((parts.message,), Some(&kwargs))?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|e| e)
}

/// Converts a core error into the matching `authjs.exceptions` instance.
fn core_err(py: Python<'_>, e: authjs::Error) -> PyErr {
    raise(
        py,
        ErrorParts {
            kind: e.kind(),
            message: e.message(),
            status: e.status(),
            body_excerpt: e.body_excerpt(),
            known_ids: e.known_ids(),
            errno: e.os_error(),
        },
    )
}

/// The core's error-kind table as `((name, code, class name), ...)`, so that the Python
/// side checks its classes against the one list of kinds instead of restating it.
fn error_kinds(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    let rows = ErrorKind::ALL
        .iter()
        .map(|k| {
            let info = k.info();
            (info.name, info.code, info.python_class)
        })
        .collect::<Vec<_>>();
    PyTuple::new(py, rows)
}

/// An `InvalidArgumentError` raised by this layer (a bad Python argument).
fn invalid(py: Python<'_>, message: impl AsRef<str>) -> PyErr {
    raise(
        py,
        ErrorParts {
            kind: ErrorKind::InvalidArgument,
            message: message.as_ref(),
            status: None,
            body_excerpt: None,
            known_ids: &[],
            errno: None,
        },
    )
}

trait CoreResultExt<T> {
    fn py(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> CoreResultExt<T> for authjs::Result<T> {
    fn py(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| core_err(py, e))
    }
}

// ---------------------------------------------------------------------------------
// JSON <-> Python
// ---------------------------------------------------------------------------------

const MAX_DEPTH: usize = 128;

/// A JSON value as plain Python objects (dict, list, str, int, float, bool, None).
fn json_to_py<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => map_to_py(py, map)?.into_any(),
    })
}

fn map_to_py<'py>(py: Python<'py>, map: &Map<String, Value>) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (k, v) in map {
        dict.set_item(k, json_to_py(py, v)?)?;
    }
    Ok(dict)
}

/// Where a value sits in an argument, for error messages: `json["a"][0]`. Built as a
/// chain of borrowed segments and rendered only when an error needs it, so converting
/// a large value allocates no names. Keys appear (they are field names), values never.
#[derive(Clone, Copy)]
enum Loc<'a> {
    Arg(&'a str),
    Key(&'a Loc<'a>, &'a str),
    Index(&'a Loc<'a>, usize),
}

impl fmt::Display for Loc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Loc::Arg(name) => f.write_str(name),
            Loc::Key(parent, key) => write!(f, "{parent}[{key:?}]"),
            Loc::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// Why a `str` could not be converted. CPython's `UnicodeEncodeError` is never passed
/// on: its `args` hold the whole string (a password, a magic-link token).
const NOT_UTF8: &str = "is not valid UTF-8 text: it holds a lone surrogate (as text decoded \
                        from undecodable bytes with surrogateescape does, e.g. os.environ)";

/// A `str` as Rust text; a `str` with lone surrogates is an `InvalidArgumentError`
/// naming `what`, and the `UnicodeEncodeError` behind it is dropped, not chained.
fn str_text(s: &Bound<'_, PyString>, what: impl fmt::Display) -> PyResult<String> {
    match s.to_cow() {
        Ok(text) => Ok(text.into_owned()),
        Err(_) => Err(invalid(s.py(), format!("{what} {NOT_UTF8}"))),
    }
}

/// A `str` argument: a `TypeError` for another type (as pyo3's own conversion), an
/// `InvalidArgumentError` for a `str` that is not valid UTF-8 text.
fn text_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    match obj.cast::<PyString>() {
        Ok(s) => str_text(s, what),
        Err(_) => Err(PyTypeError::new_err(format!(
            "{what} must be str, not {}",
            type_name(obj)
        ))),
    }
}

fn opt_text_arg(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<String>> {
    obj.filter(|o| !o.is_none())
        .map(|o| text_arg(o, what))
        .transpose()
}

/// A Python value as JSON: `None`, `bool`, `int` (64-bit), finite `float`, `str`,
/// `list`/`tuple` and mappings with `str` keys. Anything else is an
/// `InvalidArgumentError` naming where it sits (`what`).
fn py_to_json(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Value> {
    py_to_json_at(obj, Loc::Arg(what), 0)
}

fn py_to_json_at(obj: &Bound<'_, PyAny>, at: Loc<'_>, depth: usize) -> PyResult<Value> {
    let py = obj.py();
    if depth > MAX_DEPTH {
        return Err(invalid(
            py,
            format!("{at} is nested more than {MAX_DEPTH} levels deep"),
        ));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(invalid(
            py,
            format!("{at}: the integer does not fit in 64 bits"),
        ));
    }
    if obj.is_instance_of::<PyFloat>() {
        let f: f64 = obj.extract()?;
        return serde_json::Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| invalid(py, format!("{at}: {f} cannot be sent as JSON")));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(str_text(s, at)?));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut out = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            out.push(py_to_json_at(&item?, Loc::Index(&at, i), depth + 1)?);
        }
        return Ok(Value::Array(out));
    }
    if let Some(items) = mapping_items(obj)? {
        let mut out = Map::new();
        for (k, v) in items {
            let key = dict_key(&k, at)?;
            let value = py_to_json_at(&v, Loc::Key(&at, &key), depth + 1)?;
            out.insert(key, value);
        }
        return Ok(Value::Object(out));
    }
    Err(invalid(
        py,
        format!(
            "{at}: a value of type {} cannot be sent as JSON",
            type_name(obj)
        ),
    ))
}

type Items<'py> = Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>;

/// The items of a `dict` or any `collections.abc.Mapping`, else `None`.
fn mapping_items<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Option<Items<'py>>> {
    if let Ok(d) = obj.cast::<PyDict>() {
        return Ok(Some(d.iter().collect()));
    }
    if let Ok(m) = obj.cast::<PyMapping>() {
        let mut out = Vec::new();
        for item in m.items()?.iter() {
            let (k, v): (Bound<'py, PyAny>, Bound<'py, PyAny>) = item.extract()?;
            out.push((k, v));
        }
        return Ok(Some(out));
    }
    Ok(None)
}

/// A mapping key (a field or header name). One that is not valid UTF-8 text is not
/// shown at all: the message names only the mapping.
fn dict_key(k: &Bound<'_, PyAny>, what: Loc<'_>) -> PyResult<String> {
    match k.cast::<PyString>() {
        Ok(s) => s
            .to_cow()
            .map(|c| c.into_owned())
            .map_err(|_| invalid(k.py(), format!("a key in {what} {NOT_UTF8}"))),
        Err(_) => Err(invalid(
            k.py(),
            format!("{what}: keys must be str, not {}", type_name(k)),
        )),
    }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_string())
}

/// A form or header value: `str` as is; `int`, `float` and `bool` as their JSON text
/// (`true`, like a browser form and like the core's reading of JS options).
fn text_value(v: &Bound<'_, PyAny>, what: Loc<'_>) -> PyResult<String> {
    if let Ok(s) = v.cast::<PyString>() {
        return str_text(s, what);
    }
    if v.is_instance_of::<PyBool>() || v.is_instance_of::<PyInt>() || v.is_instance_of::<PyFloat>()
    {
        return Ok(py_to_json_at(v, what, 0)?.to_string());
    }
    Err(invalid(
        v.py(),
        format!(
            "{what} must be a str, int, float or bool, not {}",
            type_name(v)
        ),
    ))
}

/// `(name, value)` pairs from a mapping or an iterable of pairs.
fn pairs(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<(String, String)>> {
    let py = obj.py();
    let items = match mapping_items(obj)? {
        Some(items) => items,
        None => {
            if obj.is_instance_of::<PyString>()
                || obj.is_instance_of::<PyBytes>()
                || obj.is_instance_of::<PyByteArray>()
            {
                return Err(invalid(
                    py,
                    format!("{what} must be a mapping or (name, value) pairs"),
                ));
            }
            let iter = obj.try_iter().map_err(|_| {
                invalid(
                    py,
                    format!("{what} must be a mapping or (name, value) pairs"),
                )
            })?;
            let mut out = Vec::new();
            for item in iter {
                let item = item?;
                let pair: (Bound<'_, PyAny>, Bound<'_, PyAny>) = item
                    .extract()
                    .map_err(|_| invalid(py, format!("{what}: each item must be a pair")))?;
                out.push(pair);
            }
            out
        }
    };
    items
        .into_iter()
        .map(|(k, v)| {
            let at = Loc::Arg(what);
            let name = dict_key(&k, at)?;
            let value = text_value(&v, Loc::Key(&at, &name))?;
            Ok((name, value))
        })
        .collect()
}

/// A `data=` body: `str` (its UTF-8), `bytes` and `bytearray` are the caller's bytes,
/// untyped, so the core gives them the type it gives the same bytes from C or the CLI;
/// a mapping or `(name, value)` pairs is a form.
fn data_body(d: &Bound<'_, PyAny>) -> PyResult<authjs::Body> {
    if let Ok(b) = d.cast::<PyBytes>() {
        return Ok(authjs::Body::Bytes(b.as_bytes().to_vec()));
    }
    if let Ok(b) = d.cast::<PyByteArray>() {
        return Ok(authjs::Body::Bytes(b.to_vec()));
    }
    if let Ok(s) = d.cast::<PyString>() {
        return Ok(authjs::Body::Bytes(str_text(s, "data")?.into_bytes()));
    }
    Ok(authjs::Body::Form(pairs(d, "data")?))
}

/// A timeout in seconds (`int` or `float`) as a `Duration`. Every number a `Duration`
/// cannot hold (negative, zero or rounding to zero, NaN, infinite, too large, an `int`
/// too large even for a float) is an `InvalidArgumentError` naming the option, never
/// pyo3's `OverflowError`. What a `Duration` holds but the clock cannot reach (`1.8e19`)
/// is refused by the core when the client is built.
fn seconds_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Duration> {
    let py = obj.py();
    let is_number = (obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyFloat>())
        && !obj.is_instance_of::<PyBool>();
    if !is_number {
        return Err(PyTypeError::new_err(format!(
            "{what} must be a number of seconds (int or float), not {}",
            type_name(obj)
        )));
    }
    let out_of_range = || invalid(py, format!("{what} is out of range"));
    // An int beyond f64's range: pyo3 would raise OverflowError.
    let secs: f64 = obj.extract().map_err(|_| out_of_range())?;
    if secs.is_nan() || secs <= 0.0 {
        return Err(invalid(
            py,
            format!("{what} must be a positive number of seconds"),
        ));
    }
    let d = Duration::try_from_secs_f64(secs).map_err(|_| out_of_range())?;
    if d.is_zero() {
        return Err(invalid(py, format!("{what} must be at least a nanosecond")));
    }
    Ok(d)
}

// ---------------------------------------------------------------------------------
// Results -> Python
// ---------------------------------------------------------------------------------

fn session_to_py<'py>(py: Python<'py>, s: &authjs::Session) -> PyResult<Bound<'py, PyDict>> {
    let user = PyDict::new(py);
    user.set_item("name", s.user.name.as_deref())?;
    user.set_item("email", s.user.email.as_deref())?;
    user.set_item("image", s.user.image.as_deref())?;
    user.set_item("extra", map_to_py(py, &s.user.extra)?)?;
    let out = PyDict::new(py);
    out.set_item("raw", json_to_py(py, s.raw())?)?;
    out.set_item("user", user)?;
    out.set_item("expires", s.expires.as_deref())?;
    out.set_item("extra", map_to_py(py, &s.extra)?)?;
    Ok(out)
}

fn sign_in_to_py<'py>(py: Python<'py>, r: &authjs::SignInResponse) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("ok", r.ok)?;
    out.set_item("status", r.status)?;
    out.set_item("error", r.error.as_deref())?;
    out.set_item("code", r.code.as_deref())?;
    out.set_item("url", r.url.as_deref())?;
    Ok(out)
}

fn headers_to_py<'py>(py: Python<'py>, r: &authjs::Response) -> PyResult<Bound<'py, PyAny>> {
    // The core joins repeated headers (`to_json`); one reading of them everywhere.
    match r.to_json().get("headers") {
        Some(h) => json_to_py(py, h),
        None => Ok(PyDict::new(py).into_any()),
    }
}

// ---------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------

/// The native client. `authjs.Client` (Python) wraps it and builds typed results.
#[pyclass(frozen, module = "authjs._authjs", name = "Client")]
struct Client {
    inner: authjs::Client,
    closed: AtomicBool,
}

impl Client {
    fn open(&self, py: Python<'_>) -> PyResult<&authjs::Client> {
        if self.closed.load(Ordering::Acquire) {
            return Err(invalid(py, "the client is closed"));
        }
        Ok(&self.inner)
    }
}

/// `ca_cert`: PEM bytes, PEM text, or a path.
enum CaCert {
    Pem(Vec<u8>),
    File(PathBuf),
}

fn ca_cert_arg(obj: &Bound<'_, PyAny>) -> PyResult<CaCert> {
    let py = obj.py();
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(CaCert::Pem(b.as_bytes().to_vec()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(CaCert::Pem(b.to_vec()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        // PEM text must be UTF-8; anything else is a file name (os.fsencode rules).
        if s.contains("-----BEGIN")? {
            return Ok(CaCert::Pem(str_text(s, "ca_cert (PEM text)")?.into_bytes()));
        }
        return path_arg(obj, "ca_cert").map(CaCert::File);
    }
    if obj.is_instance_of::<PyBool>() || obj.is_instance_of::<PyInt>() {
        return Err(invalid(
            py,
            format!(
                "ca_cert must be a path or PEM bytes/str, not {}",
                type_name(obj)
            ),
        ));
    }
    path_arg(obj, "ca_cert").map(CaCert::File)
}

/// A file name: `str` or `os.PathLike`, encoded as `os.fsencode` does, so names from
/// undecodable bytes (surrogateescape) name that very file. A name even that cannot
/// encode is an `InvalidArgumentError`; the `UnicodeEncodeError` is dropped.
fn path_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<PathBuf> {
    let py = obj.py();
    obj.extract::<PathBuf>().map_err(|e| {
        if e.is_instance_of::<PyUnicodeEncodeError>(py) {
            invalid(
                py,
                format!(
                    "{what} is not a valid file name: it holds a lone surrogate that is \
                     neither valid UTF-8 text nor an undecodable byte (surrogateescape)"
                ),
            )
        } else {
            invalid(
                py,
                format!(
                    "{what} must be a str or os.PathLike, not {}",
                    type_name(obj)
                ),
            )
        }
    })
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(signature = (
        url, *, timeout = None, connect_timeout = None, ca_cert = None, user_agent = None,
        cookie_file = None, cookie_header = None, base_path = None, proxy = None,
        allow_insecure_http = false,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        url: &Bound<'_, PyAny>,
        timeout: Option<&Bound<'_, PyAny>>,
        connect_timeout: Option<&Bound<'_, PyAny>>,
        ca_cert: Option<&Bound<'_, PyAny>>,
        user_agent: Option<&Bound<'_, PyAny>>,
        cookie_file: Option<&Bound<'_, PyAny>>,
        cookie_header: Option<&Bound<'_, PyAny>>,
        base_path: Option<&Bound<'_, PyAny>>,
        proxy: Option<&Bound<'_, PyAny>>,
        allow_insecure_http: bool,
    ) -> PyResult<Self> {
        let url = text_arg(url, "url")?;
        // `None` (only the native module's own default): the core's default, 30 s.
        let timeout = timeout
            .map(|t| seconds_arg(t, "timeout"))
            .transpose()?
            .unwrap_or(authjs::DEFAULT_TIMEOUT);
        let connect_timeout = connect_timeout
            .filter(|t| !t.is_none())
            .map(|t| seconds_arg(t, "connect_timeout"))
            .transpose()?;
        let user_agent = opt_text_arg(user_agent, "user_agent")?;
        let cookie_header = opt_text_arg(cookie_header, "cookie_header")?;
        let base_path = opt_text_arg(base_path, "base_path")?;
        let proxy = opt_text_arg(proxy, "proxy")?;
        let mut b = authjs::Client::builder(url)
            .timeout(timeout)
            .allow_insecure_http(allow_insecure_http);
        if let Some(t) = connect_timeout {
            b = b.connect_timeout(t);
        }
        match ca_cert
            .filter(|c| !c.is_none())
            .map(ca_cert_arg)
            .transpose()?
        {
            Some(CaCert::Pem(pem)) => b = b.add_root_certificate_pem(pem),
            Some(CaCert::File(path)) => b = b.add_root_certificate_file(path),
            None => {}
        }
        if let Some(ua) = user_agent {
            b = b.user_agent(ua);
        }
        if let Some(f) = cookie_file.filter(|f| !f.is_none()) {
            b = b.cookie_file(path_arg(f, "cookie_file")?);
        }
        if let Some(h) = cookie_header {
            b = b.cookie_header(h);
        }
        if let Some(p) = base_path {
            b = b.base_path(p);
        }
        if let Some(p) = proxy {
            b = b.proxy(p);
        }
        // Building reads the CA and cookie files: no network, but still I/O.
        let inner = py.detach(move || b.build()).py(py)?;
        Ok(Client {
            inner,
            closed: AtomicBool::new(false),
        })
    }

    /// The API base URL, e.g. `http://127.0.0.1:3000/api/auth`.
    #[getter]
    fn base_url(&self) -> String {
        self.inner.endpoint().base_url()
    }

    /// How many cookies the jar holds (for `repr`; never their values).
    #[getter]
    fn cookie_count(&self) -> usize {
        self.inner.cookies().len()
    }

    #[getter]
    fn closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Marks the client closed; later calls raise `InvalidArgumentError`. The cookie
    /// file (if any) is already up to date: the core rewrites it on every change.
    fn close(&self) {
        self.closed.store(true, Ordering::Release);
    }

    fn get_session<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let c = self.open(py)?.clone();
        let session = interruptible::run(py, move || c.get_session())?.py(py)?;
        session.as_ref().map(|s| session_to_py(py, s)).transpose()
    }

    fn get_csrf_token(&self, py: Python<'_>) -> PyResult<String> {
        let c = self.open(py)?.clone();
        interruptible::run(py, move || c.get_csrf_token())?.py(py)
    }

    fn get_providers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let c = self.open(py)?.clone();
        let providers = interruptible::run(py, move || c.get_providers())?.py(py)?;
        let out = PyDict::new(py);
        for (id, p) in &providers {
            let d = PyDict::new(py);
            d.set_item("id", &p.id)?;
            d.set_item("name", &p.name)?;
            d.set_item("type", &p.kind)?;
            d.set_item("signin_url", &p.signin_url)?;
            d.set_item("callback_url", &p.callback_url)?;
            out.set_item(id, d)?;
        }
        Ok(out)
    }

    /// `fields` are the form fields (`username`, `password`, `email`, …); they and
    /// `authorization_params` are read by the core's `SignInOptions::from_js`, the one
    /// interpretation of the JS `signIn()` arguments.
    #[pyo3(signature = (provider = None, callback_url = None, authorization_params = None, fields = None))]
    fn sign_in<'py>(
        &self,
        py: Python<'py>,
        provider: Option<&Bound<'py, PyAny>>,
        callback_url: Option<&Bound<'py, PyAny>>,
        authorization_params: Option<&Bound<'py, PyAny>>,
        fields: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let c = self.open(py)?.clone();
        let provider = opt_text_arg(provider, "provider")?;
        let callback_url = opt_text_arg(callback_url, "callback_url")?;
        let mut options = match fields.filter(|f| !f.is_none()) {
            None => Map::new(),
            // Field by field, so that an error names the keyword (`password`) that the
            // caller passed, as `sign_in(..., password=...)` spells it.
            Some(f) => match mapping_items(f)? {
                Some(items) => {
                    let mut out = Map::new();
                    for (k, v) in items {
                        let name = dict_key(&k, Loc::Arg("sign-in fields"))?;
                        let value = py_to_json_at(&v, Loc::Arg(&name), 0)?;
                        out.insert(name, value);
                    }
                    out
                }
                None => return Err(invalid(py, "sign-in fields must be a mapping")),
            },
        };
        if let Some(cb) = callback_url {
            if options.contains_key("callbackUrl") || options.contains_key("redirectTo") {
                return Err(invalid(
                    py,
                    "give the callback URL once: callback_url= or a callbackUrl/redirectTo field",
                ));
            }
            options.insert("callbackUrl".into(), Value::String(cb));
        }
        let params = authorization_params
            .map(|p| py_to_json(p, "authorization_params"))
            .transpose()?;
        let opts = authjs::SignInOptions::from_js(Some(&Value::Object(options)), params.as_ref())
            .py(py)?;
        let resp = interruptible::run(py, move || c.sign_in(provider.as_deref(), opts))?.py(py)?;
        sign_in_to_py(py, &resp)
    }

    fn complete_sign_in<'py>(
        &self,
        py: Python<'py>,
        url: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let c = self.open(py)?.clone();
        let url = text_arg(url, "url")?;
        let resp = interruptible::run(py, move || c.complete_sign_in(&url))?.py(py)?;
        sign_in_to_py(py, &resp)
    }

    /// `fields`: a mapping of the form's fields; the core reads it as a JS object.
    fn complete_sign_in_form<'py>(
        &self,
        py: Python<'py>,
        action: &Bound<'py, PyAny>,
        fields: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let c = self.open(py)?.clone();
        let action = text_arg(action, "action")?;
        let fields = authjs::FormPost::fields_from_js(&py_to_json(fields, "fields")?).py(py)?;
        let resp =
            interruptible::run(py, move || c.complete_sign_in_form(&action, &fields))?.py(py)?;
        sign_in_to_py(py, &resp)
    }

    fn complete_sign_in_form_html<'py>(
        &self,
        py: Python<'py>,
        html: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let c = self.open(py)?.clone();
        let html = text_arg(html, "html")?;
        let resp = interruptible::run(py, move || c.complete_sign_in_form_html(&html))?.py(py)?;
        sign_in_to_py(py, &resp)
    }

    /// `data`: any JSON-able value; `None` only refreshes the session.
    #[pyo3(signature = (data = None))]
    fn update_session<'py>(
        &self,
        py: Python<'py>,
        data: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Option<Bound<'py, PyDict>>> {
        let c = self.open(py)?.clone();
        let data = match data {
            Some(d) => py_to_json(d, "update_session data")?,
            None => Value::Null,
        };
        let session = interruptible::run(py, move || c.update_session(data))?.py(py)?;
        session.as_ref().map(|s| session_to_py(py, s)).transpose()
    }

    #[pyo3(signature = (callback_url = None))]
    fn sign_out(
        &self,
        py: Python<'_>,
        callback_url: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let c = self.open(py)?.clone();
        let callback_url = opt_text_arg(callback_url, "callback_url")?;
        // Read by the core's `SignOutOptions::from_js`, as `sign_in`'s options are.
        let js = callback_url.map(|cb| serde_json::json!({ "callbackUrl": cb }));
        let options = authjs::SignOutOptions::from_js(js.as_ref()).py(py)?;
        let resp = interruptible::run(py, move || c.sign_out(options))?.py(py)?;
        Ok(resp.url)
    }

    /// Returns `(status, headers, body)`. `json=` is a JSON body, `data=` see
    /// [`data_body`]; the core types untyped bytes, the same way for every front end.
    #[pyo3(signature = (method, path, json = None, data = None, headers = None))]
    fn request<'py>(
        &self,
        py: Python<'py>,
        method: &Bound<'py, PyAny>,
        path: &Bound<'py, PyAny>,
        json: Option<&Bound<'py, PyAny>>,
        data: Option<&Bound<'py, PyAny>>,
        headers: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<(u16, Bound<'py, PyAny>, Bound<'py, PyBytes>)> {
        let c = self.open(py)?.clone();
        let method = text_arg(method, "method")?;
        let path = text_arg(path, "path")?;
        let json = json.filter(|j| !j.is_none());
        let data = data.filter(|d| !d.is_none());
        // Passed through unchanged: a `Content-Type` header is the core's to apply (it
        // overrides the type of any body).
        let headers = match headers.filter(|h| !h.is_none()) {
            Some(h) => pairs(h, "headers")?,
            None => Vec::new(),
        };
        let body = match (json, data) {
            (Some(_), Some(_)) => return Err(invalid(py, "pass json= or data=, not both")),
            (Some(j), None) => Some(authjs::Body::Json(py_to_json(j, "json")?)),
            (None, Some(d)) => Some(data_body(d)?),
            (None, None) => None,
        };
        let resp =
            interruptible::run(py, move || c.request(&method, &path, body, &headers))?.py(py)?;
        Ok((
            resp.status,
            headers_to_py(py, &resp)?,
            PyBytes::new(py, &resp.body),
        ))
    }

    /// The `Cookie` header the jar would send. A credential: do not log it.
    fn cookie_header(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.open(py)?.cookie_header())
    }

    fn save_cookies(&self, py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<()> {
        let c = self.open(py)?;
        let path = path_arg(path, "path")?;
        py.detach(|| c.save_cookies(&path)).py(py)
    }

    fn load_cookies(&self, py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<()> {
        let c = self.open(py)?;
        let path = path_arg(path, "path")?;
        py.detach(|| c.load_cookies(&path)).py(py)
    }

    fn __repr__(&self) -> String {
        format!(
            "<authjs._authjs.Client {} cookies={}{}>",
            self.inner.endpoint().base_url(),
            self.inner.cookies().len(),
            if self.closed() { " closed" } else { "" }
        )
    }
}

/// Parses a reply body as JSON the core's way (`authjs::Response::json`): a body that is not JSON is a `ProtocolError`
/// carrying the status and an excerpt.
#[pyfunction]
fn parse_json<'py>(py: Python<'py>, status: u16, body: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    let response = authjs::Response::new(status, Vec::new(), body.to_vec());
    let value = response.json().py(py)?;
    json_to_py(py, &value)
}

/// A URL fit for a `repr` (`authjs::redact_url`): the core's redaction, the one rule.
/// Lossy, never an error: a `repr` must not raise (nor show a lone surrogate's text in
/// a `UnicodeEncodeError`).
#[pyfunction]
fn redact_url(url: &Bound<'_, PyString>) -> String {
    authjs::redact_url(&url.to_string_lossy())
}

// ---------------------------------------------------------------------------------
// Parity with the Rust client (issue 14)
// ---------------------------------------------------------------------------------
//
// The rest of `authjs::Client`'s public methods, as functions of the native client
// (`authjs.Client` wraps them as methods; `tests/test_parity.py` lists the Rust methods
// from the Rust source). Kept apart from the `#[pymethods]` block above so that this
// addition stays one block. Each converts types only; the calls that may touch the
// cookie file or the network release the GIL.

/// `Client::cookies()`: one dict per cookie (`name`, `value`, `domain`, `path`,
/// `secure`, `http_only`, `expires_unix`). The values are credentials: the Python
/// `Cookie` type keeps them out of its `repr`.
#[pyfunction]
fn client_cookies<'py>(
    py: Python<'py>,
    client: &Bound<'py, Client>,
) -> PyResult<Bound<'py, PyList>> {
    let c = client.get().open(py)?;
    // Reads the cookie file when another process changed it.
    let cookies = py.detach(|| c.cookies());
    let out = PyList::empty(py);
    for cookie in &cookies {
        let d = PyDict::new(py);
        d.set_item("name", &cookie.name)?;
        d.set_item("value", &cookie.value)?;
        d.set_item("domain", &cookie.domain)?;
        d.set_item("path", &cookie.path)?;
        d.set_item("secure", cookie.secure)?;
        d.set_item("http_only", cookie.http_only)?;
        d.set_item("expires_unix", cookie.expires_unix)?;
        d.set_item("same_site", cookie.same_site.map(|s| s.as_str()))?;
        d.set_item("host_only", cookie.host_only)?;
        out.append(d)?;
    }
    Ok(out)
}

/// `Client::has_session_cookie()`: no request.
#[pyfunction]
fn client_has_session_cookie(py: Python<'_>, client: &Bound<'_, Client>) -> PyResult<bool> {
    let c = client.get().open(py)?;
    Ok(py.detach(|| c.has_session_cookie()))
}

/// `Client::export_cookies()`: the cookie-file JSON text (credentials).
#[pyfunction]
fn client_export_cookies(py: Python<'_>, client: &Bound<'_, Client>) -> PyResult<String> {
    let c = client.get().open(py)?;
    py.detach(|| c.export_cookies()).py(py)
}

/// `Client::import_cookies(text)`: replaces the jar; nothing changes on error. The
/// core's messages never quote the text (it holds cookie values).
#[pyfunction]
fn client_import_cookies(
    py: Python<'_>,
    client: &Bound<'_, Client>,
    text: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let c = client.get().open(py)?;
    let text = text_arg(text, "text")?;
    py.detach(|| c.import_cookies(&text)).py(py)
}

/// `Client::netscape_cookies()`: `cookies.txt` text for `curl -b` (credentials).
#[pyfunction]
fn client_netscape_cookies(py: Python<'_>, client: &Bound<'_, Client>) -> PyResult<String> {
    let c = client.get().open(py)?;
    Ok(py.detach(|| c.netscape_cookies()))
}

/// `Client::clear_cookies()`: empties the jar and the cookie file (a local sign-out).
#[pyfunction]
fn client_clear_cookies(py: Python<'_>, client: &Bound<'_, Client>) -> PyResult<()> {
    let c = client.get().open(py)?;
    py.detach(|| c.clear_cookies()).py(py)
}

/// `Client::provider(id)`: from the providers cache, else one request (interruptible,
/// like the other network calls).
#[pyfunction]
fn client_provider<'py>(
    py: Python<'py>,
    client: &Bound<'py, Client>,
    id: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let c = client.get().open(py)?.clone();
    let id = text_arg(id, "id")?;
    let p = interruptible::run(py, move || c.provider(&id))?.py(py)?;
    let d = PyDict::new(py);
    d.set_item("id", &p.id)?;
    d.set_item("name", &p.name)?;
    d.set_item("type", &p.kind)?;
    d.set_item("signin_url", &p.signin_url)?;
    d.set_item("callback_url", &p.callback_url)?;
    Ok(d)
}

/// `Client::endpoint()`: where the API lives, as `origin`, `base_path`, `base_url`,
/// `is_https`, `is_loopback`. Works on a closed client, like `base_url`.
#[pyfunction]
fn client_endpoint<'py>(
    py: Python<'py>,
    client: &Bound<'py, Client>,
) -> PyResult<Bound<'py, PyDict>> {
    let ep = client.get().inner.endpoint();
    let d = PyDict::new(py);
    d.set_item("origin", ep.origin())?;
    d.set_item("base_path", ep.base_path())?;
    d.set_item("base_url", ep.base_url())?;
    d.set_item("is_https", ep.is_https())?;
    d.set_item("is_loopback", ep.is_loopback())?;
    Ok(d)
}

// ---------------------------------------------------------------------------------
// Cookie formats (issue 15): the core's `CookieFormat` by name; each converts only.
// ---------------------------------------------------------------------------------

fn export_format(format: &Bound<'_, PyAny>) -> PyResult<authjs::CookieFormat> {
    let name = text_arg(format, "format")?;
    authjs::CookieFormat::from_name(&name).py(format.py())
}

fn import_format(format: &Bound<'_, PyAny>) -> PyResult<Option<authjs::CookieFormat>> {
    let name = text_arg(format, "format")?;
    authjs::CookieFormat::from_import_name(&name).py(format.py())
}

/// `Client::export_cookies_as(format)`: the jar as text in `format` (credentials).
#[pyfunction]
fn client_export_cookies_as(
    py: Python<'_>,
    client: &Bound<'_, Client>,
    format: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let c = client.get().open(py)?;
    let format = export_format(format)?;
    py.detach(|| c.export_cookies_as(format)).py(py)
}

/// `Client::import_cookies_as(format, text)`: `(imported, skipped)`; nothing changes
/// on error, and the core's messages never quote the text.
#[pyfunction]
fn client_import_cookies_as(
    py: Python<'_>,
    client: &Bound<'_, Client>,
    text: &Bound<'_, PyAny>,
    format: &Bound<'_, PyAny>,
) -> PyResult<(usize, usize)> {
    let c = client.get().open(py)?;
    let text = text_arg(text, "text")?;
    let format = import_format(format)?;
    let r = py.detach(|| c.import_cookies_as(format, &text)).py(py)?;
    Ok((r.imported, r.skipped))
}

/// `Client::save_cookies_as(path, format)`: written atomically with mode 0600.
#[pyfunction]
fn client_save_cookies_as(
    py: Python<'_>,
    client: &Bound<'_, Client>,
    path: &Bound<'_, PyAny>,
    format: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let c = client.get().open(py)?;
    let path = path_arg(path, "path")?;
    let format = export_format(format)?;
    py.detach(|| c.save_cookies_as(&path, format)).py(py)
}

/// `Client::load_cookies_as(path, format)`: `(imported, skipped)`.
#[pyfunction]
fn client_load_cookies_as(
    py: Python<'_>,
    client: &Bound<'_, Client>,
    path: &Bound<'_, PyAny>,
    format: &Bound<'_, PyAny>,
) -> PyResult<(usize, usize)> {
    let c = client.get().open(py)?;
    let path = path_arg(path, "path")?;
    let format = import_format(format)?;
    let r = py.detach(|| c.load_cookies_as(&path, format)).py(py)?;
    Ok((r.imported, r.skipped))
}

// ---------------------------------------------------------------------------------
// Many users on one pool (issue 17): `Client::user`, `Client::lookup`; types only.
// ---------------------------------------------------------------------------------

/// `Client::user()` / `Client::user_with_cookies(header)`: a native client for another
/// user on this client's connection pool, with an empty jar or one seeded from a
/// browser's `Cookie` header. No I/O.
#[pyfunction]
#[pyo3(signature = (client, cookie_header = None))]
fn client_user(
    py: Python<'_>,
    client: &Bound<'_, Client>,
    cookie_header: Option<&Bound<'_, PyAny>>,
) -> PyResult<Client> {
    let c = client.get().open(py)?;
    let header = opt_text_arg(cookie_header, "cookie_header")?;
    let inner = match header {
        None => c.user(),
        Some(h) => c.user_with_cookies(&h).py(py)?,
    };
    Ok(Client {
        inner,
        closed: AtomicBool::new(false),
    })
}

/// `Client::lookup(header)`: `(session dict or None, [Set-Cookie values])`. `None`
/// for the header is an empty one (no request). Network: interruptible.
#[pyfunction]
fn client_lookup<'py>(
    py: Python<'py>,
    client: &Bound<'py, Client>,
    cookie_header: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Option<Bound<'py, PyDict>>, Vec<String>)> {
    let c = client.get().open(py)?.clone();
    let header = opt_text_arg(cookie_header, "cookie_header")?.unwrap_or_default();
    let found = if authjs::Lookup::needs_request(&header) {
        interruptible::run(py, move || c.lookup(&header))?.py(py)?
    } else {
        // No session cookie: answered without a request, so without a thread hop.
        c.lookup(&header).py(py)?
    };
    let session = found
        .session
        .as_ref()
        .map(|s| session_to_py(py, s))
        .transpose()?;
    Ok((session, found.set_cookies))
}

fn register_pool(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(client_user, m)?)?;
    m.add_function(wrap_pyfunction!(client_lookup, m)?)?;
    Ok(())
}

fn register_cookie_formats(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(client_export_cookies_as, m)?)?;
    m.add_function(wrap_pyfunction!(client_import_cookies_as, m)?)?;
    m.add_function(wrap_pyfunction!(client_save_cookies_as, m)?)?;
    m.add_function(wrap_pyfunction!(client_load_cookies_as, m)?)?;
    Ok(())
}

fn register_parity(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(client_cookies, m)?)?;
    m.add_function(wrap_pyfunction!(client_has_session_cookie, m)?)?;
    m.add_function(wrap_pyfunction!(client_export_cookies, m)?)?;
    m.add_function(wrap_pyfunction!(client_import_cookies, m)?)?;
    m.add_function(wrap_pyfunction!(client_netscape_cookies, m)?)?;
    m.add_function(wrap_pyfunction!(client_clear_cookies, m)?)?;
    m.add_function(wrap_pyfunction!(client_provider, m)?)?;
    m.add_function(wrap_pyfunction!(client_endpoint, m)?)?;
    Ok(())
}

#[pymodule(gil_used = false)]
fn _authjs(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Client>()?;
    m.add_function(wrap_pyfunction!(parse_json, m)?)?;
    m.add_function(wrap_pyfunction!(redact_url, m)?)?;
    m.add("__version__", authjs::VERSION)?;
    m.add("ERROR_KINDS", error_kinds(m.py())?)?;
    // The wrapper's `timeout=` default: the core's, not a second copy of it.
    m.add("DEFAULT_TIMEOUT", authjs::DEFAULT_TIMEOUT.as_secs_f64())?;
    watch::register(m)?;
    register_parity(m)?;
    register_cookie_formats(m)?;
    register_pool(m)?;
    token::register(m)?;
    Ok(())
}
