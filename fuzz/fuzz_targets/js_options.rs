//! JS-shaped sign-in / sign-out options (`signIn(provider, options, authorizationParams)`).
//! Must never panic, whatever the bytes. Seeds: fuzz/seeds/js_options/.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    authjs::fuzz::js_options(data);
});
