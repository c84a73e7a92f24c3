//! Base URL normalisation (`NEXTAUTH_URL`-style URL, optional basePath after a NUL byte).
//! Must never panic, whatever the bytes. Seeds: fuzz/seeds/base_url/.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    authjs::fuzz::base_url(data);
});
