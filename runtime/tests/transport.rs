//! Network failures: refused connections, dropped connections, truncated and oversized
//! bodies, and servers that never answer.

mod common;

use std::time::Duration;

use common::{assert_count, builder, client, raw_server, secs, Misbehaviour};
use rt::{Error, FakeClock, Method, Request, RetryPolicy, TimeoutKind, TransportErrorKind};
use sailpoint_sdk_runtime as rt;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn get() -> Request {
    Request::new("getThing", Method::GET, "/things/1")
}

fn post() -> Request {
    Request::new("createThing", Method::POST, "/things")
        .json_body("application/json", &serde_json::json!({"a": 1}))
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let clock = FakeClock::default();
    let err = client(&format!("http://{addr}"), &clock)
        .execute::<()>(post())
        .await
        .unwrap_err();
    match &err {
        Error::Transport(e) => assert_eq!(e.kind, TransportErrorKind::Connect),
        other => panic!("expected a connect error, got {other:?}"),
    }
    assert_eq!(err.operation(), Some("createThing"));
    // A refused connection proves nothing was sent, so even POST is retried.
    assert_eq!(clock.sleeps(), [secs(1), secs(2)]);
}

#[tokio::test]
async fn connection_closed_before_response_on_get_is_retried() {
    let (addr, heads) = raw_server(Misbehaviour::CloseAfterHead).await;
    let clock = FakeClock::default();
    let err = client(&format!("http://{addr}"), &clock)
        .execute::<()>(get())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Transport(e) if e.kind == TransportErrorKind::Request),
        "{err:?}"
    );
    assert_count(&heads, 3).await;
    assert_eq!(clock.sleeps(), [secs(1), secs(2)]);
}

#[tokio::test]
async fn connection_closed_before_response_on_post_is_not_retried() {
    let (addr, heads) = raw_server(Misbehaviour::CloseAfterHead).await;
    let clock = FakeClock::default();
    let err = client(&format!("http://{addr}"), &clock)
        .execute::<()>(post())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Transport(e) if e.kind == TransportErrorKind::Request),
        "{err:?}"
    );
    // The server may have acted on the request; replaying a POST could do it twice.
    assert_count(&heads, 1).await;
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn truncated_body_is_a_transport_error() {
    let (addr, heads) = raw_server(Misbehaviour::TruncatedBody).await;
    let clock = FakeClock::default();
    let err = builder(&format!("http://{addr}"), &clock)
        .retry_policy(RetryPolicy::default().with_max_attempts(2))
        .build()
        .unwrap()
        .execute::<()>(get())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Transport(e) if e.kind == TransportErrorKind::Body),
        "{err:?}"
    );
    assert_count(&heads, 2).await;
}

#[tokio::test]
async fn silent_server_hits_the_attempt_timeout() {
    let (addr, heads) = raw_server(Misbehaviour::Silent).await;
    let clock = FakeClock::default();
    let err = builder(&format!("http://{addr}"), &clock)
        .attempt_timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
        .execute::<()>(get())
        .await
        .unwrap_err();
    match &err {
        Error::Timeout(e) => {
            assert_eq!(e.kind, TimeoutKind::Attempt);
            assert_eq!(e.after, Duration::from_millis(200));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert_count(&heads, 1).await;
}

#[tokio::test]
async fn post_timeout_is_not_retried() {
    let (addr, heads) = raw_server(Misbehaviour::Silent).await;
    let clock = FakeClock::default();
    let err = builder(&format!("http://{addr}"), &clock)
        .attempt_timeout(Duration::from_millis(200))
        .build()
        .unwrap()
        .execute::<()>(post())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert_count(&heads, 1).await;
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn declared_body_over_the_limit_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(2000)))
        .mount(&server)
        .await;
    let clock = FakeClock::default();
    let err = builder(&server.uri(), &clock)
        .max_response_bytes(1000)
        .build()
        .unwrap()
        .execute::<()>(get())
        .await
        .unwrap_err();
    match err {
        Error::BodyTooLarge(e) => {
            assert_eq!(e.limit, 1000);
            assert_eq!(e.status, 200);
        }
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
    // Not retried: the same body would come back.
    assert_eq!(common::received(&server).await.len(), 1);
}

#[tokio::test]
async fn streamed_body_over_the_limit_is_refused_without_reading_it_all() {
    // The body never ends, so only a limit checked while streaming can finish this call
    // before the (generous) attempt timeout.
    let (addr, _) = raw_server(Misbehaviour::EndlessChunks).await;
    let clock = FakeClock::default();
    let err = builder(&format!("http://{addr}"), &clock)
        .max_response_bytes(1000)
        .attempt_timeout(secs(30))
        .build()
        .unwrap()
        .execute::<()>(get())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge(ref e) if e.limit == 1000),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_declared_length_bounds_what_is_read() {
    // A body with a declared length is collected in one go; bytes past the declared length
    // are not part of it, so a server cannot push a body over the limit that way.
    let (addr, _) = raw_server(Misbehaviour::MoreThanDeclared).await;
    let clock = FakeClock::default();
    let response = builder(&format!("http://{addr}"), &clock)
        .max_response_bytes(1000)
        .attempt_timeout(secs(30))
        .build()
        .unwrap()
        .execute::<()>(get())
        .await
        .unwrap();
    assert_eq!(response.body(), b"null");
}

#[tokio::test]
async fn body_at_the_limit_is_accepted() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(1000)))
        .mount(&server)
        .await;
    let clock = FakeClock::default();
    let response = builder(&server.uri(), &clock)
        .max_response_bytes(1000)
        .build()
        .unwrap()
        .execute::<()>(get())
        .await
        .unwrap();
    assert_eq!(response.body().len(), 1000);
}
