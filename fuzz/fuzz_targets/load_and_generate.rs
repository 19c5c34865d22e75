//! Any bytes, read as a YAML description, go through the whole pipeline: loading, validation,
//! lowering, normalisation and rendering. Errors are fine; a panic, a hang or a crash is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = generator::Options::new("fuzz.yaml");
    let _ = generator::generate_memory("fuzz.yaml", data, &options);
});
