//! A provider's `form_post` page (`FormPost::from_html`) and a pasted callback URL
//! (the core's normaliser, then same-origin resolution). Must never panic, whatever the
//! bytes. Seeds: fuzz/seeds/form_post_page/.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    authjs::fuzz::form_post_page(data);
});
