//! The committed SDK (`sailpoint-beta`) against Prism serving `spec/openapi.yaml`: the shared
//! contract (`contract/accounts.rs`), the SLIM and FULL list examples, pagination and auth.
//!
//! Each test starts its own Prism and stops it at the end; the guard stops it too when a test
//! fails.
#![allow(deprecated)] // The beta Accounts operations are deprecated in favour of v2025.

use std::collections::BTreeSet;
use std::net::SocketAddr;

use contract_tests::{
    accounts_spec, declared_error_statuses, operation_ids, workspace_root, Prism, RecordingProxy,
};
use futures_util::StreamExt as _;
use sailpoint_beta as sdk;
use sdk::models;

// `Figures::to_json` serves the full-beta harness only.
#[allow(dead_code)]
#[path = "../contract/accounts.rs"]
mod contract;

fn generated_accounts_api() -> String {
    let path = workspace_root().join("generated/sailpoint-beta/src/apis/accounts_api.rs");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn bearer() -> String {
    format!("Bearer {}", contract::TOKEN)
}

#[tokio::test]
async fn every_operation_keeps_the_contract() {
    let prism = Prism::start(&accounts_spec());
    // `spec/responses/429.yaml` declares `Retry-After`.
    let figures = contract::run(prism.url(), true).await;

    let source = generated_accounts_api();
    let operations = operation_ids(&source);
    println!(
        "sailpoint-beta against Prism on spec/openapi.yaml\n{}",
        figures.summary(operations.len())
    );
    for (variant, n) in figures.decoded_per_variant() {
        println!("  {variant}: {n}");
    }
    assert!(
        figures.failures.is_empty(),
        "{} failure(s):\n{}\n{}",
        figures.failures.len(),
        figures.failures.join("\n"),
        prism.output()
    );
    assert!(
        figures.description_findings.is_empty(),
        "examples in spec/ that break their schema:\n{}",
        figures.description_findings.join("\n")
    );
    assert!(
        figures.violations.is_empty(),
        "Prism found requests that break the description:\n{}",
        figures.violations.join("\n")
    );
    let called: BTreeSet<String> = figures.operations.iter().map(|op| op.to_string()).collect();
    assert_eq!(
        called, operations,
        "every operation of AccountsApi is called"
    );
    let decoded: BTreeSet<(String, u16, String)> = figures
        .decoded
        .iter()
        .map(|(error, status, variant)| (error.to_string(), *status, variant.to_string()))
        .collect();
    assert_eq!(
        decoded,
        declared_error_statuses(&source),
        "every declared error status decodes into its variant"
    );
    prism.stop();
}

/// Real servers leave out fields the description marks required; the SLIM example does too.
#[tokio::test]
async fn slim_accounts_decode_with_the_missing_required_fields_as_none() {
    let prism = Prism::start(&accounts_spec());
    let mut clients = contract::Clients::new(prism.url());

    let slim = clients
        .api()
        .list_accounts()
        .detail_level(models::ListAccountsDetailLevel::Slim)
        .send_full()
        .await
        .unwrap_or_else(|e| panic!("the SLIM list failed: {e:?}"));
    assert!(slim.headers.get(contract::VIOLATIONS_HEADER).is_none());
    if let Err(e) = contract::slim_accounts(&slim.body) {
        panic!("{e}");
    }

    let full = clients
        .api_preferring("example=FullAccounts")
        .list_accounts()
        .detail_level(models::ListAccountsDetailLevel::Full)
        .send_full()
        .await
        .unwrap_or_else(|e| panic!("the FULL list failed: {e:?}"));
    assert!(full.headers.get(contract::VIOLATIONS_HEADER).is_none());
    let account = full.body.first().expect("the FULL example has an account");
    assert_eq!(account.authoritative, Some(true));
    assert_eq!(account.system_account, Some(false));
    assert_eq!(account.uncorrelated, Some(false));
    // Not even the FULL example has `sourceName`.
    assert_eq!(account.source_name, None);
    prism.stop();
}

/// Streams page through Prism with at most 250 items a page, which Prism insists on.
#[tokio::test]
async fn streams_page_with_at_most_250_items() {
    let prism = Prism::start(&accounts_spec());
    let http = reqwest::Client::new();

    // Prism refuses a page size over 250, with a violation naming `limit`.
    let raw = http
        .get(format!("{}/accounts?limit=251", prism.url()))
        .header("authorization", bearer())
        .send()
        .await
        .expect("Prism answers");
    let violations = raw
        .headers()
        .get(contract::VIOLATIONS_HEADER)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    assert_eq!(raw.status(), 400);
    assert!(violations.contains("limit"), "{violations}");

    // A single page is sent as asked: the server is the judge, and the error is typed.
    let api = contract::Clients::new(prism.url()).api();
    match api.list_accounts().limit(251).send_full().await {
        Err(sdk::Error::Api(e)) => {
            assert_eq!(e.status(), 400);
            assert!(e.headers().contains_key(contract::VIOLATIONS_HEADER));
            assert!(matches!(
                e.body(),
                Some(sdk::apis::accounts_api::ListAccountsError::BadRequest(_))
            ));
        }
        other => panic!("limit=251 should be refused, got {other:?}"),
    }

    // A stream clamps the page size: asked for 1000 a page, it sends 250, and Prism is happy.
    let address: SocketAddr = ([127, 0, 0, 1], prism.port()).into();
    let proxy = RecordingProxy::start(address).await;
    let api = contract::Clients::new(proxy.url()).api();
    let accounts: Vec<_> = api
        .list_accounts()
        .limit(1000)
        .count(true)
        .into_stream()
        .collect()
        .await;
    let accounts: Vec<models::Account> = accounts
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("the stream failed: {e:?}"));
    assert_eq!(accounts.len(), 1, "Prism's example has one account");
    let entitlements: Vec<_> = api
        .get_account_entitlements(contract::ACCOUNT_ID)
        .limit(1000)
        .into_stream()
        .collect()
        .await;
    let entitlements: Vec<models::Entitlement> = entitlements
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("the stream failed: {e:?}"));
    assert!(!entitlements.is_empty());
    let lines = proxy.request_lines();
    println!("requests sent by the streams:\n  {}", lines.join("\n  "));
    assert_eq!(
        lines,
        [
            "GET /accounts?limit=250&offset=0&count=true HTTP/1.1".to_owned(),
            format!(
                "GET /accounts/{}/entitlements?offset=0&limit=250 HTTP/1.1",
                contract::ACCOUNT_ID
            ),
        ]
    );

    // Prism serves the same example whatever the offset: a stream of 1-item pages sees the
    // second page repeat the first and stops with an error instead of looping forever.
    let items: Vec<_> = api.list_accounts().limit(1).into_stream().collect().await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items[0].is_ok());
    assert!(
        matches!(&items[1], Err(sdk::Error::Pagination(e)) if e.offset == 1),
        "{:?}",
        items[1]
    );

    // `count=true` asks for X-Total-Count; the description declares no such response header,
    // so Prism sends none.
    let counted = api
        .list_accounts()
        .count(true)
        .send_full()
        .await
        .unwrap_or_else(|e| panic!("count=true failed: {e:?}"));
    println!("X-Total-Count from Prism: {:?}", counted.total_count());
    if counted.headers.contains_key("x-total-count") {
        assert!(counted.total_count().is_some(), "X-Total-Count is a number");
    }
    drop(proxy);
    prism.stop();
}

/// Prism checks the security requirement: a request without a bearer token is a 401 violation.
#[tokio::test]
async fn prism_refuses_requests_without_a_token() {
    let prism = Prism::start(&accounts_spec());
    let response = reqwest::Client::new()
        .get(format!("{}/accounts", prism.url()))
        .send()
        .await
        .expect("Prism answers");
    assert_eq!(response.status(), 401);
    assert!(response.headers().contains_key(contract::VIOLATIONS_HEADER));
    // The same request with the client's token passes.
    let accounts = contract::Clients::new(prism.url())
        .api()
        .list_accounts()
        .send()
        .await;
    assert!(accounts.is_ok(), "{accounts:?}");
    let with_token = reqwest::Client::new()
        .get(format!("{}/accounts", prism.url()))
        .header("authorization", bearer())
        .send()
        .await
        .expect("Prism answers");
    assert_eq!(with_token.status(), 200);
    prism.stop();
}
