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

/// A secret with the characters that encodings change: `+`, `/` and `=`.
const SECRET: &str = "CANARY+s3cr3t/XYZ=";

/// A token endpoint that refuses the request and echoes the form back three ways: as sent
/// (form-encoded), JSON-escaped and decoded; padded so that the secret straddles the 512-byte
/// excerpt cut.
struct EchoForm;

impl wiremock::Respond for EchoForm {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let form = String::from_utf8_lossy(&request.body).into_owned();
        let decoded: Vec<(String, String)> = url_decode(&form);
        let at = form.find("client_secret=").expect("the form has a secret") + 14;
        let padding = "p".repeat(505_usize.saturating_sub(at));
        let echo = json!({"form": form, "fields": decoded}).to_string();
        ResponseTemplate::new(400).set_body_string(format!("{padding}{form}\n{echo}"))
    }
}

fn url_decode(form: &str) -> Vec<(String, String)> {
    form.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| {
            let v = percent_decode(&v.replace('+', " "));
            (k.to_owned(), v)
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn an_echoed_secret_is_masked_in_every_encoding() {
    let logs = LogCapture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(LevelFilter::TRACE)
        .with_writer(logs.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(EchoForm)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .client_credentials("CANARY-id", SECRET)
        .build()
        .unwrap();
    let err = client
        .execute::<serde_json::Value>(Request::new("listAccounts", Method::GET, "/accounts"))
        .await
        .unwrap_err();
    let rt::Error::Auth(auth) = &err else {
        panic!("expected an authentication error, got {err:?}")
    };
    assert_eq!(auth.status, Some(rt::StatusCode::BAD_REQUEST));
    let excerpt = auth.excerpt.as_deref().unwrap_or_default();
    assert!(excerpt.contains("[redacted]"), "{excerpt}");

    // The endpoint really echoed the secret in each encoding, so the checks below can fail.
    let sent = common::received(&server).await;
    let form = String::from_utf8_lossy(&sent[0].body).into_owned();
    assert!(form.contains("CANARY%2Bs3cr3t%2FXYZ%3D"), "{form}");

    let texts = [
        format!("{err}"),
        format!("{err:?}"),
        format!("{client:?}"),
        logs.text(),
    ];
    for text in &texts {
        for leak in [SECRET, "CANARY", "s3cr3t", "%2Bs3", "XYZ"] {
            assert!(!text.contains(leak), "`{leak}` leaked in:\n{text}");
        }
    }
}

#[tokio::test]
async fn an_echoed_access_token_is_masked_in_api_errors() {
    let server = MockServer::start().await;
    Mock::given(path("/accounts"))
        .respond_with(ResponseTemplate::new(403).set_body_string(format!(
            "<html>Forbidden for Bearer {SECRET} ({})</html>",
            serde_json::to_string(SECRET).unwrap()
        )))
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_url(server.uri())
        .access_token(SECRET)
        .build()
        .unwrap();
    let response = client
        .execute::<serde_json::Value>(Request::new("listAccounts", Method::GET, "/accounts"))
        .await
        .unwrap();
    let debug = format!("{response:?}");
    let err = response.into_error::<serde_json::Value>();
    let rt::Error::Api(api) = &err else {
        panic!("an error status is an API error, got {err:?}")
    };
    assert_eq!(api.status(), rt::StatusCode::FORBIDDEN);
    assert!(api.body().is_none(), "HTML is not a JSON error body");
    assert_eq!(
        api.body_text(),
        "<html>Forbidden for Bearer [redacted] (\"[redacted]\")</html>"
    );
    for text in [debug, format!("{err}"), format!("{err:?}")] {
        assert!(!text.contains("CANARY"), "{text}");
    }
}

#[tokio::test]
async fn a_custom_authorization_header_is_masked_too() {
    let server = MockServer::start().await;
    Mock::given(path("/accounts"))
        .respond_with(
            ResponseTemplate::new(401).set_body_string(format!("bad credentials: Custom {SECRET}")),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .api_url(server.uri())
        .access_token("unused")
        .default_header("Authorization", format!("Custom {SECRET}"))
        .build()
        .unwrap();
    let err = client
        .execute::<serde_json::Value>(Request::new("listAccounts", Method::GET, "/accounts"))
        .await
        .unwrap()
        .into_error::<serde_json::Value>();
    let rt::Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(api.body_text(), "bad credentials: [redacted]");
    let sent = common::received(&server).await;
    assert_eq!(
        sent[0].headers.get("authorization").unwrap(),
        format!("Custom {SECRET}").as_str()
    );
    assert!(!format!("{err:?} {client:?}").contains("CANARY"));
}
