//! OAuth2 client credentials: caching, refresh ahead of expiry, the single 401 refresh, and
//! one token request for many concurrent callers.

mod common;

use std::time::Duration;

use common::{received, secs, Sequence};
use rt::{Client, Error, FakeClock, FixedJitter, Method, Request};
use sailpoint_sdk_runtime as rt;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn token(value: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": value,
        "token_type": "bearer",
        "expires_in": expires_in,
    }))
}

async fn tenant(tokens: Vec<ResponseTemplate>, api: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(Sequence::new(tokens))
        .mount(&server)
        .await;
    Mock::given(path("/beta/things"))
        .respond_with(Sequence::new(api))
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer, clock: &FakeClock) -> Client {
    Client::builder()
        .base_url(server.uri())
        .client_credentials("my-client", "my-secret")
        .clock(clock.clone())
        .jitter(FixedJitter::full())
        .build()
        .unwrap()
}

fn get() -> Request {
    Request::new("listThings", Method::GET, "/things").version_path("/beta")
}

/// (token requests, bearer tokens sent to the API in order)
async fn traffic(server: &MockServer) -> (usize, Vec<String>) {
    let requests = received(server).await;
    let tokens = requests
        .iter()
        .filter(|r| r.url.path() == "/oauth/token")
        .count();
    let bearers = requests
        .iter()
        .filter(|r| r.url.path() == "/beta/things")
        .map(|r| {
            r.headers
                .get("authorization")
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    (tokens, bearers)
}

#[tokio::test]
async fn token_is_fetched_with_client_credentials_and_cached() {
    let server = tenant(vec![token("tok-1", 749)], vec![ResponseTemplate::new(200)]).await;
    let clock = FakeClock::default();
    let client = client(&server, &clock);
    client.execute::<()>(get()).await.unwrap();
    client.execute::<()>(get()).await.unwrap();

    let (tokens, bearers) = traffic(&server).await;
    assert_eq!(tokens, 1);
    assert_eq!(bearers, ["Bearer tok-1", "Bearer tok-1"]);
    let token_request = &received(&server).await[0];
    assert_eq!(
        token_request.headers.get("content-type").unwrap(),
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        String::from_utf8_lossy(&token_request.body),
        "grant_type=client_credentials&client_id=my-client&client_secret=my-secret"
    );
    // The token request identifies the SDK as API calls do.
    let api_request = &received(&server).await[1];
    let agent = token_request
        .headers
        .get("user-agent")
        .expect("a User-Agent");
    assert!(agent.to_str().unwrap().starts_with("SailPoint-SDK-Rust/"));
    assert_eq!(Some(agent), api_request.headers.get("user-agent"));
}

#[tokio::test]
async fn token_is_refreshed_a_minute_before_expiry() {
    let server = tenant(
        vec![token("tok-1", 749), token("tok-2", 749)],
        vec![ResponseTemplate::new(200)],
    )
    .await;
    let clock = FakeClock::default();
    let client = client(&server, &clock);
    client.execute::<()>(get()).await.unwrap();
    clock.advance(secs(749 - 60 - 1));
    client.execute::<()>(get()).await.unwrap();
    clock.advance(secs(1));
    client.execute::<()>(get()).await.unwrap();

    let (tokens, bearers) = traffic(&server).await;
    assert_eq!(tokens, 2);
    assert_eq!(bearers, ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]);
}

#[tokio::test]
async fn short_lived_tokens_refresh_at_half_their_lifetime() {
    let server = tenant(
        vec![token("tok-1", 100), token("tok-2", 100)],
        vec![ResponseTemplate::new(200)],
    )
    .await;
    let clock = FakeClock::default();
    let client = client(&server, &clock);
    client.execute::<()>(get()).await.unwrap();
    clock.advance(secs(49));
    client.execute::<()>(get()).await.unwrap();
    clock.advance(secs(1));
    client.execute::<()>(get()).await.unwrap();
    let (_, bearers) = traffic(&server).await;
    assert_eq!(bearers, ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]);
}

#[tokio::test]
async fn a_401_refreshes_the_token_and_resends_once() {
    let server = tenant(
        vec![token("tok-1", 749), token("tok-2", 749)],
        vec![ResponseTemplate::new(401), ResponseTemplate::new(200)],
    )
    .await;
    let clock = FakeClock::default();
    let response = client(&server, &clock).execute::<()>(get()).await.unwrap();
    assert_eq!(response.status(), 200);
    let (tokens, bearers) = traffic(&server).await;
    assert_eq!(tokens, 2);
    assert_eq!(bearers, ["Bearer tok-1", "Bearer tok-2"]);
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn a_second_401_is_returned_without_looping() {
    let server = tenant(
        vec![
            token("tok-1", 749),
            token("tok-2", 749),
            token("tok-3", 749),
        ],
        vec![ResponseTemplate::new(401)],
    )
    .await;
    let clock = FakeClock::default();
    let response = client(&server, &clock).execute::<()>(get()).await.unwrap();
    assert_eq!(response.status(), 401);
    let err = response.into_error::<()>();
    assert_eq!(err.status(), Some(rt::StatusCode::UNAUTHORIZED));
    let (tokens, bearers) = traffic(&server).await;
    assert_eq!(tokens, 2);
    assert_eq!(bearers, ["Bearer tok-1", "Bearer tok-2"]);
}

#[tokio::test]
async fn a_static_token_is_not_refreshed_on_401() {
    let server = tenant(vec![token("unused", 749)], vec![ResponseTemplate::new(401)]).await;
    let clock = FakeClock::default();
    let client = Client::builder()
        .base_url(server.uri())
        .access_token("static-token")
        .clock(clock.clone())
        .build()
        .unwrap();
    let response = client.execute::<()>(get()).await.unwrap();
    assert_eq!(response.status(), 401);
    let (tokens, bearers) = traffic(&server).await;
    assert_eq!(tokens, 0);
    assert_eq!(bearers, ["Bearer static-token"]);
}

#[tokio::test]
async fn a_token_a_header_cannot_carry_is_an_auth_error_and_is_not_sent() {
    let server = tenant(
        vec![token("canary\nA", 749)],
        vec![ResponseTemplate::new(200)],
    )
    .await;
    for client in [
        client(&server, &FakeClock::default()),
        Client::builder()
            .base_url(server.uri())
            .access_token("canary\nB")
            .build()
            .unwrap(),
    ] {
        let err = client.execute::<()>(get()).await.unwrap_err();
        let Error::Auth(auth) = &err else {
            panic!("expected an auth error, got {err:?}")
        };
        assert!(auth.message.contains("not allowed in a header"), "{err}");
        assert!(!format!("{err} {err:?}").contains("canary"), "{err:?}");
    }
    let (tokens, bearers) = traffic(&server).await;
    assert_eq!((tokens, bearers.len()), (1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_with_an_expired_token_make_one_token_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        // A slow token endpoint keeps all callers waiting on the same refresh.
        .respond_with(Sequence::new(vec![
            token("tok-1", 749),
            token("tok-2", 749).set_delay(Duration::from_millis(50)),
            token("tok-3", 749),
        ]))
        .mount(&server)
        .await;
    Mock::given(path("/beta/things"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let clock = FakeClock::default();
    let client = client(&server, &clock);
    client.execute::<()>(get()).await.unwrap();
    clock.advance(secs(3600));

    let calls: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.execute::<()>(get()).await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap().status(), 200);
    }
    let (tokens, bearers) = traffic(&server).await;
    assert_eq!(tokens, 2);
    assert_eq!(bearers.len(), 101);
    assert!(bearers[1..].iter().all(|b| b == "Bearer tok-2"));
}

#[tokio::test]
async fn token_endpoint_refusal_is_an_auth_error_without_the_secret() {
    let server = tenant(
        vec![ResponseTemplate::new(401)
            .set_body_string(r#"{"error":"invalid_client","you_sent":"my-secret"}"#)],
        vec![ResponseTemplate::new(200)],
    )
    .await;
    let clock = FakeClock::default();
    let err = client(&server, &clock)
        .execute::<()>(get())
        .await
        .unwrap_err();
    let Error::Auth(auth) = &err else {
        panic!("expected an auth error, got {err:?}")
    };
    assert_eq!(auth.status, Some(rt::StatusCode::UNAUTHORIZED));
    let excerpt = auth.excerpt.as_deref().unwrap();
    assert!(excerpt.contains("invalid_client"), "{excerpt}");
    assert!(!format!("{err} {err:?}").contains("my-secret"));
    assert_eq!(
        err.to_string(),
        "could not obtain an access token: the token endpoint refused the request (status 401 Unauthorized)"
    );
    let (tokens, bearers) = traffic(&server).await;
    assert_eq!((tokens, bearers.len()), (1, 0));
}

#[tokio::test]
async fn malformed_token_response_is_an_auth_error() {
    let server = tenant(
        vec![ResponseTemplate::new(200).set_body_string(r#"{"access_token": 12345}"#)],
        vec![ResponseTemplate::new(200)],
    )
    .await;
    let clock = FakeClock::default();
    let err = client(&server, &clock)
        .execute::<()>(get())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Auth(a) if a.excerpt.is_none() && a.status == Some(rt::StatusCode::OK)),
        "{err:?}"
    );
    assert!(!err.to_string().contains("12345"));
}

#[tokio::test]
async fn unreachable_token_endpoint_is_retried_then_an_auth_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let clock = FakeClock::default();
    let client = Client::builder()
        .api_url(format!("http://{addr}/beta"))
        .client_credentials("id", "secret")
        .clock(clock.clone())
        .jitter(FixedJitter::full())
        .build()
        .unwrap();
    let err = client.execute::<()>(get()).await.unwrap_err();
    assert!(
        matches!(&err, Error::Auth(a) if a.status.is_none()),
        "{err:?}"
    );
    assert!(std::error::Error::source(&err).is_some());
    assert_eq!(clock.sleeps(), [secs(1), secs(2)]);
}

#[tokio::test]
async fn a_briefly_unavailable_token_endpoint_is_retried() {
    let server = tenant(
        vec![ResponseTemplate::new(503), token("tok-1", 749)],
        vec![ResponseTemplate::new(200)],
    )
    .await;
    let clock = FakeClock::default();
    let response = client(&server, &clock).execute::<()>(get()).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(clock.sleeps(), [secs(1)]);
    let (tokens, bearers) = traffic(&server).await;
    assert_eq!((tokens, bearers), (2, vec!["Bearer tok-1".to_owned()]));
}

#[tokio::test]
async fn an_anonymous_operation_is_sent_without_a_token_and_fetches_none() {
    let server = tenant(
        vec![token("tok-1", 749)],
        vec![ResponseTemplate::new(401), ResponseTemplate::new(200)],
    )
    .await;
    let clock = FakeClock::default();
    let client = client(&server, &clock);
    // A 401 to an anonymous call is the server's answer, not a stale token to refresh.
    let refused = client.execute::<()>(get().anonymous()).await.unwrap();
    assert_eq!(refused.status().as_u16(), 401);
    client.execute::<()>(get().anonymous()).await.unwrap();

    let requests = received(&server).await;
    assert!(requests.iter().all(|r| r.url.path() == "/beta/things"));
    assert_eq!(requests.len(), 2);
    assert!(requests
        .iter()
        .all(|r| r.headers.get("authorization").is_none()));
    // The next authenticated call fetches its token then.
    client.execute::<()>(get()).await.unwrap();
    let requests = received(&server).await;
    assert_eq!(requests[2].url.path(), "/oauth/token");
    assert_eq!(
        requests[3].headers.get("authorization").unwrap(),
        "Bearer tok-1"
    );
}
