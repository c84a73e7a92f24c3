//! Session tokens (issue 19, feature `jwt`) for Python: `authjs.tokens` builds the
//! typed API over these functions. Only conversions; versions, keys, names, chunks and
//! checks are the core's (`authjs::TokenCodec`, `authjs::decode_any`).

use super::{Client, CoreResultExt, json_to_py, py_to_json, seconds_arg, text_arg};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use serde_json::Value;

/// Registers this module's functions (one line in `lib.rs`).
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(token_decode, m)?)?;
    m.add_function(wrap_pyfunction!(token_mint, m)?)?;
    m.add_function(wrap_pyfunction!(token_cookie_name, m)?)?;
    m.add(
        "TOKEN_CLOCK_TOLERANCE",
        authjs::DEFAULT_CLOCK_TOLERANCE.as_secs_f64(),
    )?;
    m.add(
        "SESSION_COOKIE_NAMES",
        authjs::SESSION_COOKIE_NAMES.to_vec(),
    )?;
    Ok(())
}

/// A secret (`str`) or several (a list or tuple of `str`, the first encrypting). The
/// values are never echoed in errors.
fn secrets_arg(obj: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if obj.cast::<PyString>().is_ok() {
        return Ok(vec![text_arg(obj, "secret")?]);
    }
    let items: Vec<Bound<'_, PyAny>> = if let Ok(l) = obj.cast::<PyList>() {
        l.iter().collect()
    } else if let Ok(t) = obj.cast::<pyo3::types::PyTuple>() {
        t.iter().collect()
    } else {
        return Err(PyTypeError::new_err(
            "secret must be a str or a list of str (rotation: the first encrypts)",
        ));
    };
    items.iter().map(|o| text_arg(o, "secret")).collect()
}

/// `decode_any(value, cookie_name, secrets)`: `(cookie name, claims dict)`.
#[pyfunction]
#[pyo3(signature = (value, secret, cookie_name=None))]
fn token_decode<'py>(
    py: Python<'py>,
    value: &Bound<'py, PyAny>,
    secret: &Bound<'py, PyAny>,
    cookie_name: Option<&Bound<'py, PyAny>>,
) -> PyResult<(String, Bound<'py, PyAny>)> {
    let value = text_arg(value, "value")?;
    let secrets = secrets_arg(secret)?;
    let name = super::opt_text_arg(cookie_name, "cookie_name")?;
    let decoded = authjs::decode_any(&value, name.as_deref(), &secrets).py(py)?;
    Ok((
        decoded.cookie_name,
        json_to_py(py, &Value::Object(decoded.claims))?,
    ))
}

/// `TokenCodec::mint`: a dict of `cookies` (`[(name, value)]`), `cookie_header`,
/// `set_cookie` (`[str]`) and, with `url`, `storage_state` (a JSON string).
#[pyfunction]
#[pyo3(signature = (claims, secret, cookie_name, max_age=None, url=None, secure=false))]
fn token_mint<'py>(
    py: Python<'py>,
    claims: &Bound<'py, PyAny>,
    secret: &Bound<'py, PyAny>,
    cookie_name: &Bound<'py, PyAny>,
    max_age: Option<&Bound<'py, PyAny>>,
    url: Option<&Bound<'py, PyAny>>,
    secure: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let Value::Object(claims) = py_to_json(claims, "claims")? else {
        return Err(PyTypeError::new_err("claims must be a dict"));
    };
    let secrets = secrets_arg(secret)?;
    let name = text_arg(cookie_name, "cookie_name")?;
    let mut codec = authjs::TokenCodec::new(&name, secrets).py(py)?;
    if let Some(m) = max_age.filter(|m| !m.is_none()) {
        codec = codec.max_age(seconds_arg(m, "max_age")?);
    }
    let minted = codec.mint(&claims).py(py)?;
    let out = PyDict::new(py);
    out.set_item("cookies", minted.cookies().to_vec())?;
    out.set_item("cookie_header", minted.cookie_header())?;
    out.set_item("set_cookie", minted.set_cookie_headers(secure))?;
    if let Some(url) = super::opt_text_arg(url, "url")? {
        out.set_item(
            "storage_state",
            minted.playwright_storage_state(&url).py(py)?,
        )?;
    }
    Ok(out)
}

/// `server_session_cookie_name(client)`: one `GET csrf` at most. Network:
/// interruptible, like every request of the client.
#[pyfunction]
fn token_cookie_name(py: Python<'_>, client: &Bound<'_, Client>) -> PyResult<String> {
    let c = client.get().open(py)?.clone();
    super::interruptible::run(py, move || authjs::server_session_cookie_name(&c))?.py(py)
}
