//! Providers body (`GET {basePath}/providers`).
//! Must never panic, whatever the bytes. Seeds: fuzz/seeds/providers/.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    authjs::fuzz::providers_body(data);
});
