//! `Set-Cookie` header lines (one per line) stored into the jar, then read back.
//! Must never panic, whatever the bytes. Seeds: fuzz/seeds/set_cookie/.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    authjs::fuzz::set_cookie_headers(data);
});
