//! Session tokens (feature `jwt`): `authjs::decode_any` on a Cookie header, Bearer
//! value or bare token, and genuine tokens sealed around arbitrary plaintext, as
//! `authjs::fuzz::token` describes. Must never panic. Seeds: fuzz/seeds/token/.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    authjs::fuzz::token(data);
});
