//! The floor client of the benchmark ([`floor::Floor`]) and a C ABI over it, so the C
//! and Python benchmarks can measure the very same floor inside their own process:
//!
//! ```c
//! void *authjs_bench_floor_new(const char *host_port, const char *path,
//!                              const char *user_agent, const char *cookie);
//! int   authjs_bench_floor_get(void *floor);   /* HTTP status, or -1 on error */
//! void  authjs_bench_floor_free(void *floor);
//! ```

pub mod floor;

use floor::Floor;
use std::ffi::{CStr, c_char, c_int};

/// # Safety
/// `p` is NULL or a NUL-terminated string that outlives `'a`.
unsafe fn text<'a>(p: *const c_char) -> Option<&'a str> {
    if p.is_null() {
        return None;
    }
    // SAFETY: the caller's contract.
    unsafe { CStr::from_ptr(p) }.to_str().ok()
}

/// A floor client for `GET path` on `host_port` with this `User-Agent` and `Cookie`;
/// NULL on a bad argument or an unresolvable address. No connection is made yet.
///
/// # Safety
/// Each argument is NULL or a NUL-terminated string valid for the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_bench_floor_new(
    host_port: *const c_char,
    path: *const c_char,
    user_agent: *const c_char,
    cookie: *const c_char,
) -> *mut Floor {
    // SAFETY: the caller's contract.
    let args = unsafe { (text(host_port), text(path), text(user_agent), text(cookie)) };
    let (Some(h), Some(p), Some(ua), Some(c)) = args else {
        return std::ptr::null_mut();
    };
    match Floor::new(h, p, ua, c) {
        Ok(f) => Box::into_raw(Box::new(f)),
        Err(_) => std::ptr::null_mut(),
    }
}

/// One request; returns the HTTP status, or -1 on an I/O error.
///
/// # Safety
/// `floor` is NULL or from `authjs_bench_floor_new`, not freed, used by one thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_bench_floor_get(floor: *mut Floor) -> c_int {
    // SAFETY: `floor` comes from authjs_bench_floor_new and is used by one thread.
    let Some(f) = (unsafe { floor.as_mut() }) else {
        return -1;
    };
    match f.get() {
        Ok(s) => c_int::from(s),
        Err(_) => -1,
    }
}

/// Releases a floor client (NULL is ignored).
///
/// # Safety
/// `floor` is NULL or from `authjs_bench_floor_new`, and not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn authjs_bench_floor_free(floor: *mut Floor) {
    if !floor.is_null() {
        // SAFETY: from authjs_bench_floor_new, not used afterwards.
        drop(unsafe { Box::from_raw(floor) });
    }
}
