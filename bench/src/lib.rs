//! Benchmarks of the generator, the generated SDK and its runtime, and the tools
//! `cargo xtask bench` runs: a loopback HTTP server that serves the description's example
//! responses, hand-written `reqwest` + `serde_json` baselines, and synthetic descriptions N
//! times the size of a real one. See BENCHMARKS.md.

pub mod alloc;
pub mod fixtures;
pub mod hand;
pub mod loopback;
pub mod scale;
pub mod server;
