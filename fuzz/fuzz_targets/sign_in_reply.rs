//! Sign-in reply `{"url": ...}`: URL resolution and error/code extraction from the redirect URL.
//! Must never panic, whatever the bytes. Seeds: fuzz/seeds/sign_in_reply/.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    authjs::fuzz::sign_in_reply(data);
});
