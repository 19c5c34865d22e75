//! One program, two API versions, one client: `sailpoint-beta` and `sailpoint-v2025` share one
//! `Client` built from a tenant base URL and client credentials. The tenant is a loopback
//! `wiremock` server: it answers `POST /oauth/token` and the Accounts list of each version, and
//! records what it was sent.
#![allow(deprecated)] // The beta Accounts list is deprecated in favour of v2025.

use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "one-token-for-every-version";

fn account(id: &str) -> serde_json::Value {
    json!([{ "id": id, "name": format!("account {id}"), "sourceId": "2c91808b7c28b350017c2a2ec5790aa1" }])
}

#[tokio::test]
async fn beta_and_v2025_share_one_client_and_one_token() {
    let tenant = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("client_id=the-client-id"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": TOKEN,
            "token_type": "bearer",
            "expires_in": 749,
        })))
        .expect(1)
        .mount(&tenant)
        .await;
    for (version_path, id) in [("/beta", "beta-account"), ("/v2025", "v2025-account")] {
        Mock::given(method("GET"))
            .and(path(format!("{version_path}/accounts")))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(account(id)))
            .mount(&tenant)
            .await;
    }

    // The program: one client for the tenant, handed to both versions' APIs.
    let client = sailpoint_v2025::Client::builder()
        .base_url(tenant.uri())
        .client_credentials("the-client-id", "the-client-secret")
        .build()
        .expect("a client for the tenant");
    let beta = sailpoint_beta::AccountsApi::new(client.clone());
    let v2025 = sailpoint_v2025::AccountsApi::new(client);
    let (old, new) = tokio::join!(
        beta.list_accounts().limit(10).send(),
        v2025.list_accounts().limit(10).send()
    );
    let old = old.expect("the beta list");
    let new = new.expect("the v2025 list");
    let again = v2025
        .list_accounts()
        .send()
        .await
        .expect("the v2025 list, again");
    assert_eq!(old[0].id.as_deref(), Some("beta-account"));
    assert_eq!(new[0].id.as_deref(), Some("v2025-account"));
    assert_eq!(again.len(), 1);

    let requests = tenant
        .received_requests()
        .await
        .expect("wiremock records requests");
    let lines: Vec<String> = requests
        .iter()
        .map(|r| {
            let query = r.url.query().map(|q| format!("?{q}")).unwrap_or_default();
            format!("{} {}{query}", r.method, r.url.path())
        })
        .collect();
    println!("requests the tenant received:\n  {}", lines.join("\n  "));
    let tokens = lines.iter().filter(|l| *l == "POST /oauth/token").count();
    assert_eq!(tokens, 1, "exactly one token request: {lines:?}");
    let mut api_calls: Vec<&str> = lines
        .iter()
        .filter(|l| !l.ends_with("/oauth/token"))
        .map(String::as_str)
        .collect();
    api_calls.sort_unstable();
    assert_eq!(
        api_calls,
        [
            "GET /beta/accounts?limit=10",
            "GET /v2025/accounts",
            "GET /v2025/accounts?limit=10",
        ]
    );
    // `expect(1)` on the token mock is checked again when the server drops.
}
