//! `cargo bench -p generator`: each stage of the pipeline on `spec/` and on the whole public
//! beta description (vendored in `spec/sailpoint/`, or `SAILPOINT_BETA_SPEC`).
//!
//! `emit::emit` renders the Rust and the Markdown in one call, and the public API has no way to
//! run one without the other, so emission is measured as a whole. The process as a whole
//! (files written) is timed by `cargo xtask bench`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use generator::{emit, load, lower, normalize, validate, Diagnostics, Options};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn inputs() -> Vec<(&'static str, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut inputs = vec![("spec", root.join("spec/openapi.yaml"))];
    let public = std::env::var_os("SAILPOINT_BETA_SPEC").map_or_else(
        || root.join("spec/sailpoint/sailpoint-api.beta.yaml"),
        PathBuf::from,
    );
    if public.is_file() {
        inputs.push(("beta", public));
    } else {
        eprintln!(
            "the public beta description is not at {}; skipped",
            public.display()
        );
    }
    inputs
}

fn stages(c: &mut Criterion) {
    for (name, spec) in inputs() {
        let options = Options::new(&spec);
        let mut group = c.benchmark_group(format!("generator/{name}"));
        if name == "beta" {
            group.sample_size(10);
            group.measurement_time(Duration::from_secs(8));
        }
        let mut diags = Diagnostics::default();
        let sources = load::load(&spec, &mut diags).expect("the description loads");
        let document = validate::validate(&sources, &mut diags).expect("the description is valid");
        let lowered = lower::lower(&sources, &document, &options, &mut diags);
        let mut api = lowered.clone();
        normalize::normalize(&mut api, &mut diags);

        group.bench_function("load", |b| {
            b.iter(|| load::load(&spec, &mut Diagnostics::default()))
        });
        group.bench_function("validate", |b| {
            b.iter(|| validate::validate(&sources, &mut Diagnostics::default()))
        });
        group.bench_function("lower", |b| {
            b.iter(|| lower::lower(&sources, &document, &options, &mut Diagnostics::default()))
        });
        group.bench_function("normalize", |b| {
            b.iter_batched(
                || lowered.clone(),
                |mut api| {
                    normalize::normalize(&mut api, &mut Diagnostics::default());
                    api
                },
                BatchSize::LargeInput,
            )
        });
        group.bench_function("emit (Rust and Markdown)", |b| {
            b.iter(|| emit::emit(&api, &options).expect("emission succeeds"))
        });
        group.bench_function("generate (all stages, in memory)", |b| {
            b.iter(|| generator::generate(&options).expect("generation succeeds"))
        });
        group.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
