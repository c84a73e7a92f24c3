//! Session body (`GET/POST {basePath}/session`), parsed as the client parses it.
//! Must never panic, whatever the bytes. Seeds: fuzz/seeds/session/.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    authjs::fuzz::session_body(data);
});
