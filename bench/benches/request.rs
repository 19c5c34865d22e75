//! `cargo bench -p bench --bench request`: one call through the SDK against the same call made
//! with `reqwest` + `serde_json` by hand, on the loopback server (`bench::server`).

use bench::fixtures::AccountTemplate;
use bench::loopback::Clients;
use bench::server::{Routes, Server};
use criterion::{criterion_group, criterion_main, Criterion};

fn request(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    let template = AccountTemplate::from_spec().expect("the example account");
    let server = runtime
        .block_on(Server::start(Routes::new(template, 0)))
        .expect("the loopback server starts");
    let clients = Clients::new(&server.base_url()).expect("both clients");

    let mut group = c.benchmark_group("get_account");
    group.bench_function("SDK", |b| {
        b.iter(|| runtime.block_on(clients.sdk_account()).expect("a call"))
    });
    group.bench_function("hand-written reqwest + serde_json", |b| {
        b.iter(|| runtime.block_on(clients.hand_account()).expect("a call"))
    });
    group.finish();

    let mut group = c.benchmark_group("list_accounts, 250 accounts");
    group.bench_function("SDK", |b| {
        b.iter(|| runtime.block_on(clients.sdk_page()).expect("a call"))
    });
    group.bench_function("hand-written reqwest + serde_json", |b| {
        b.iter(|| runtime.block_on(clients.hand_page()).expect("a call"))
    });
    group.finish();
    drop(server);
}

criterion_group!(benches, request);
criterion_main!(benches);
