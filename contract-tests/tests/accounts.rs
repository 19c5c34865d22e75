//! Every version crate (`sailpoint-v3`, `-beta`, `-v2024`, `-v2025`, each with only its
//! `accounts` feature) against Prism serving that version's vendored description
//! (`spec/sailpoint/sailpoint-api.<version>.yaml`): the shared contract (`contract/accounts.rs`,
//! and `contract/identity_accounts.rs` where the version has those operations), then, on beta,
//! the SLIM and FULL list examples, pagination and auth.
//!
//! Each test starts its own Prism and stops it at the end; the guard stops it too when a test
//! fails.
#![allow(deprecated)]
// The beta Accounts operations are deprecated in favour of v2025.
// The contract is one file included once per version crate, each time with another `sdk`.
#![allow(clippy::duplicate_mod)]

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;

use contract_tests::{
    declared_error_statuses, operation_ids, sailpoint_spec, workspace_root, Prism, RecordingProxy,
};
use futures_util::StreamExt as _;
use sailpoint_beta as sdk;
use sdk::models;

use beta::contract;

/// One module per version crate, each including the contract with that crate as `sdk`.
macro_rules! version {
    ($module:ident, $krate:ident $(, $identity_accounts:ident)?) => {
        // Files of modules inside are found in `contract/`.
        #[path = "../contract"]
        mod $module {
            use $krate as sdk;

            #[allow(dead_code)]
            #[path = "accounts.rs"]
            pub(crate) mod contract;
            $(
                #[path = "identity_accounts.rs"]
                mod $identity_accounts;
            )?

            #[tokio::test]
            async fn every_accounts_operation_keeps_the_contract() {
                let version = stringify!($module);
                let prism = contract_tests::Prism::start(&contract_tests::sailpoint_spec(version));
                // SailPoint's 429 responses declare no `Retry-After`.
                let mut figures = contract::Figures::new(false);
                let mut clients = contract::Clients::new(prism.url());
                contract::run(&mut figures, &mut clients).await;
                $($identity_accounts::run(&mut figures, &mut clients).await;)?
                super::check(version, &figures.to_json(), &prism);
                prism.stop();
            }
        }
    };
}

version!(v3, sailpoint_v3);
version!(beta, sailpoint_beta, identity_accounts);
version!(v2024, sailpoint_v2024, identity_accounts);
version!(v2025, sailpoint_v2025, identity_accounts);

/// Checks one version's figures (`Figures::to_json`): every operation of its `AccountsApi`
/// called, every declared error status decoded into its variant, no request violation, no
/// failure. The description's examples that break their own schemas are listed, each with
/// Prism's finding naming the defect, and not failed on: the SDK decoded them all the same.
fn check(version: &str, figures: &serde_json::Value, prism: &Prism) {
    let path = workspace_root().join(format!(
        "generated/sailpoint-{version}/src/apis/accounts_api.rs"
    ));
    let source = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let operations = operation_ids(&source);
    let strings = |key: &str| -> Vec<String> {
        figures[key]
            .as_array()
            .into_iter()
            .flatten()
            .map(|item| {
                item.as_str()
                    .map_or_else(|| item.to_string(), str::to_owned)
            })
            .collect()
    };
    let called: BTreeSet<String> = strings("operations").into_iter().collect();
    let violations = strings("violations");
    let failures = strings("failures");
    let findings = strings("description_findings");
    let decoded: BTreeSet<(String, u16, String)> = figures["decoded"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|triple| {
            Some((
                triple[0].as_str()?.to_owned(),
                u16::try_from(triple[1].as_u64()?).ok()?,
                triple[2].as_str()?.to_owned(),
            ))
        })
        .collect();
    let mut per_variant = BTreeMap::<&str, usize>::new();
    for (_, _, variant) in &decoded {
        *per_variant.entry(variant.as_str()).or_default() += 1;
    }
    let per_variant: Vec<String> = per_variant
        .iter()
        .map(|(variant, n)| format!("{variant} {n}"))
        .collect();
    println!(
        "sailpoint-{version} (accounts) against Prism on spec/sailpoint/sailpoint-api.{version}.yaml\n\
         operations called: {}/{}\nresponses: {}\nPrism request violations: {}\n\
         Prism response violations (examples that break their schema): {}\n\
         error statuses decoded: {} ({})\nfailures: {}",
        called.len(),
        operations.len(),
        figures["responses"],
        violations.len(),
        findings.len(),
        decoded.len(),
        per_variant.join(", "),
        failures.len()
    );
    for finding in &findings {
        println!("  description defect: {finding}");
    }
    assert!(
        failures.is_empty(),
        "{version}: {} failure(s):\n{}\n{}",
        failures.len(),
        failures.join("\n"),
        prism.output()
    );
    assert!(
        violations.is_empty(),
        "{version}: Prism found requests that break the description:\n{}",
        violations.join("\n")
    );
    assert_eq!(
        called, operations,
        "{version}: every operation of AccountsApi is called"
    );
    assert_eq!(
        decoded,
        declared_error_statuses(&source),
        "{version}: every declared error status decodes into its variant"
    );
}

fn bearer() -> String {
    format!("Bearer {}", contract::TOKEN)
}

/// Real servers leave out fields the description marks required; the SLIM example does too.
#[tokio::test]
async fn slim_accounts_decode_with_the_missing_required_fields_as_none() {
    let prism = Prism::start(&sailpoint_spec("beta"));
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
    let prism = Prism::start(&sailpoint_spec("beta"));
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
    let prism = Prism::start(&sailpoint_spec("beta"));
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
