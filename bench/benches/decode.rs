//! `cargo bench -p bench --bench decode`: decoding a 250-account page (the description's
//! `FullAccounts` example repeated, as the loopback server sends it) the SDK's way, into the
//! generated models with plain `serde_json`, and into hand-written structs.

use bench::fixtures::{AccountTemplate, PAGE_SIZE};
use bench::loopback::{hand_decode, sdk_decode};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sailpoint_beta::models::Account;

fn decode(c: &mut Criterion) {
    let template = AccountTemplate::from_spec().expect("the example account");
    let body = bytes::Bytes::from(template.page(0, PAGE_SIZE));
    let mut group = c.benchmark_group("decode a 250-account page");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("SDK: Response::json", |b| {
        b.iter(|| sdk_decode(&body).expect("decodes"))
    });
    group.bench_function("serde_json::from_slice into the generated models", |b| {
        b.iter(|| serde_json::from_slice::<Vec<Account>>(&body).expect("decodes"))
    });
    group.bench_function("serde_json::from_slice into hand-written structs", |b| {
        b.iter(|| hand_decode(&body).expect("decodes"))
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
