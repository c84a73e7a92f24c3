//! Cookie-file loading (the `export_cookies` / `cookieFile` JSON format).
//! Must never panic, whatever the bytes. Seeds: fuzz/seeds/cookie_file/.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    authjs::fuzz::cookie_file(data);
});
