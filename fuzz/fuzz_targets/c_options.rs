//! The C ABI's `options_json`: `authjs_client_new(base_url, options_json)` then
//! `authjs_client_free`, called exactly as a C program calls them. Construction makes
//! no request. Must never panic, crash or leak (AddressSanitizer + LeakSanitizer).
//!
//! Input: `OPTIONS` (base URL `http://127.0.0.1:3000`), or `BASE_URL \0 OPTIONS`.
//! Anything after a second NUL is ignored (a C string ends there). Empty options are
//! passed as NULL.
//!
//! A panic caught by the C boundary still aborts here: libfuzzer-sys installs a panic
//! hook that aborts the process, and the hook runs before `catch_unwind` catches.
#![no_main]

use authjs::ffi::{
    authjs_client_free, authjs_client_new, authjs_last_error_message, authjs_last_error_status,
};
use libfuzzer_sys::fuzz_target;
use std::ffi::{CStr, CString};
use std::ptr;

const DEFAULT_URL: &[u8] = b"http://127.0.0.1:3000";

fuzz_target!(|data: &[u8]| {
    let (url, options) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (DEFAULT_URL, data),
    };
    let options = match options.iter().position(|&b| b == 0) {
        Some(i) => &options[..i],
        None => options,
    };
    if !paths_are_harmless(options) {
        return;
    }
    let (Ok(url), Ok(options)) = (CString::new(url), CString::new(options)) else {
        return;
    };
    let options_ptr = if options.as_bytes().is_empty() {
        ptr::null()
    } else {
        options.as_ptr()
    };
    // SAFETY: both strings are NUL-terminated and outlive the call; the handle (or
    // NULL) goes to `authjs_client_free` exactly once.
    unsafe {
        let client = authjs_client_new(url.as_ptr(), options_ptr);
        if client.is_null() {
            let _ = authjs_last_error_status();
            let msg = authjs_last_error_message();
            if !msg.is_null() {
                // Touch every byte so ASan checks the whole message.
                let _ = CStr::from_ptr(msg)
                    .to_bytes()
                    .iter()
                    .fold(0u8, |a, b| a ^ b);
            }
        }
        authjs_client_free(client);
    }
});

/// `caCertFile` and `cookieFile` make the client read a file at construction. Reading
/// is harmless for a regular file or a missing one, but a path the fuzzer might build
/// such as `/dev/zero` or `/dev/stdin` would stall the run or exhaust memory without
/// telling anything about the parser, so such inputs are skipped. (The core reads
/// these files by their reported length or without a bound: see docs/fuzzing.md.)
fn paths_are_harmless(options: &[u8]) -> bool {
    let Ok(serde_json::Value::Object(obj)) = serde_json::from_slice(options) else {
        return true;
    };
    ["caCertFile", "cookieFile"]
        .iter()
        .all(|key| match obj.get(*key).and_then(|v| v.as_str()) {
            None => true,
            Some(path) => match std::fs::metadata(path) {
                Ok(m) => m.is_file() && m.len() <= 1 << 20,
                Err(_) => true,
            },
        })
}
