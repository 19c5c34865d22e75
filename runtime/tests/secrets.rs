//! Canary credentials must appear nowhere: not in TRACE logs, error texts or `Debug` output.

mod common;

use common::{LogCapture, Sequence};
use rt::{Client, FakeClock, FixedJitter, Method, Request};
use sailpoint_sdk_runtime as rt;
use serde_json::json;
use tracing_subscriber::filter::LevelFilter;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CANARY: &str = "CANARY";

fn token(value: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"access_token": value, "expires_in": 749}))
}

#[tokio::test]
async fn canary_credentials_never_leak() {
    let logs = LogCapture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(LevelFilter::TRACE)
        .with_writer(logs.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(Sequence::new(vec![
            token("CANARY-token-1"),
            token("CANARY-token-2"),
            // The last token request is refused, echoing the form back.
            ResponseTemplate::new(400).set_body_string(
                "grant_type=client_credentials&client_id=x&client_secret=CANARY-client-secret",
            ),
        ]))
        .mount(&server)
        .await;
    Mock::given(path("/beta/accounts"))
        .respond_with(Sequence::new(vec![
            ResponseTemplate::new(401),
            ResponseTemplate::new(200).set_body_json(json!([])),
            ResponseTemplate::new(503).insert_header("retry-after", "1"),
            ResponseTemplate::new(404).set_body_json(json!({"detailCode": "404 Not found"})),
        ]))
        .mount(&server)
        .await;

    let clock = FakeClock::default();
    let builder = Client::builder()
        .base_url(server.uri())
        .client_credentials("CANARY-client-id", "CANARY-client-secret")
        .clock(clock.clone())
        .jitter(FixedJitter::full());
    let mut texts = vec![format!("{builder:?}")];
    let client = builder.build().unwrap();
    texts.push(format!("{client:?}"));
    let list = || Request::new("listAccounts", Method::GET, "/accounts").version_path("/beta");

    // 401 -> refresh -> 200.
    let ok = client.execute::<serde_json::Value>(list()).await.unwrap();
    texts.push(format!("{ok:?}"));
    // 503 -> retry -> 404, mapped to an API error.
    let not_found = client.execute::<serde_json::Value>(list()).await.unwrap();
    let api_error = not_found.into_error::<serde_json::Value>();
    texts.push(format!("{api_error} {api_error:?}"));
    // An expired token and a refused token request.
    clock.advance(std::time::Duration::from_secs(3600));
    let auth_error = client
        .execute::<serde_json::Value>(list())
        .await
        .unwrap_err();
    assert!(matches!(auth_error, rt::Error::Auth(_)), "{auth_error:?}");
    texts.push(format!("{auth_error} {auth_error:?}"));
    // A static token in a client of its own.
    let static_client = Client::builder()
        .api_url(server.uri())
        .access_token("CANARY-static-token")
        .build()
        .unwrap();
    texts.push(format!("{static_client:?}"));

    let logs = logs.text();
    assert!(
        logs.contains("sailpoint_request"),
        "no request spans were logged:\n{logs}"
    );
    assert!(logs.contains("retrying after a delay"), "{logs}");
    assert!(logs.contains("requesting an access token"), "{logs}");
    assert_eq!(logs.matches(CANARY).count(), 0, "{logs}");
    for text in &texts {
        assert_eq!(text.matches(CANARY).count(), 0, "{text}");
    }
    // The requests really carried the canaries, so the checks above are meaningful.
    let sent = common::received(&server).await;
    assert!(sent.iter().any(|r| r
        .headers
        .get("authorization")
        .is_some_and(|v| v == "Bearer CANARY-token-2")));
}

#[test]
fn secrets_and_sensitive_values_redact() {
    let secret = rt::Secret::new("CANARY-x");
    assert_eq!(format!("{secret} {secret:?}").matches(CANARY).count(), 0);
}
