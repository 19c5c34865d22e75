//! Retry decisions and exact backoff sequences, asserted on the fake clock.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use common::{builder, client, received, secs, Sequence};
use rt::{Clock, Error, FakeClock, Method, Request, RetryPolicy, TimeoutKind};
use sailpoint_sdk_runtime as rt;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn get() -> Request {
    Request::new("listThings", Method::GET, "/things")
}

async fn server_with(responses: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(Sequence::new(responses))
        .mount(&server)
        .await;
    server
}

fn status(code: u16) -> ResponseTemplate {
    ResponseTemplate::new(code)
}

fn too_many(retry_after: &str) -> ResponseTemplate {
    ResponseTemplate::new(429).insert_header("retry-after", retry_after)
}

/// Sends one GET through a fresh client and returns the final status and the recorded sleeps.
async fn run(responses: Vec<ResponseTemplate>) -> (Result<u16, Error<()>>, Vec<Duration>, usize) {
    let server = server_with(responses).await;
    let clock = FakeClock::default();
    let result = client(&server.uri(), &clock)
        .execute::<()>(get())
        .await
        .map(|r| r.status().as_u16());
    (result, clock.sleeps(), received(&server).await.len())
}

#[tokio::test]
async fn retry_after_seconds_is_a_floor_on_the_delay() {
    let (result, sleeps, sent) = run(vec![too_many("2"), status(200)]).await;
    assert_eq!(result.unwrap(), 200);
    assert_eq!(sleeps, [secs(2)]);
    assert_eq!(sent, 2);
}

#[tokio::test]
async fn retry_after_shorter_than_the_backoff_keeps_the_backoff() {
    let (result, sleeps, _) = run(vec![status(503), too_many("1"), status(200)]).await;
    assert_eq!(result.unwrap(), 200);
    // Second retry: backoff 2 s beats Retry-After 1 s.
    assert_eq!(sleeps, [secs(1), secs(2)]);
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    let clock = FakeClock::default();
    let date = httpdate::fmt_http_date(clock.wall() + secs(7));
    let server = server_with(vec![too_many(&date), status(200)]).await;
    let response = client(&server.uri(), &clock)
        .execute::<()>(get())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(clock.sleeps(), [secs(7)]);
}

#[tokio::test]
async fn retry_after_zero_uses_the_normal_backoff() {
    let (result, sleeps, _) = run(vec![too_many("0"), status(200)]).await;
    assert_eq!(result.unwrap(), 200);
    assert_eq!(sleeps, [secs(1)]);
}

#[tokio::test]
async fn garbage_retry_after_is_ignored() {
    let (result, sleeps, _) = run(vec![too_many("soon-ish"), too_many("-5"), status(200)]).await;
    assert_eq!(result.unwrap(), 200);
    assert_eq!(sleeps, [secs(1), secs(2)]);
}

#[tokio::test]
async fn retry_after_beyond_the_cap_fails_at_once() {
    let server = server_with(vec![
        too_many("3600").insert_header("slpt-request-id", "req-42")
    ])
    .await;
    let clock = FakeClock::default();
    let err = client(&server.uri(), &clock)
        .execute::<()>(get())
        .await
        .unwrap_err();
    match &err {
        Error::RetryAfterTooLong(e) => {
            assert_eq!(e.operation, "listThings");
            assert_eq!(e.status, 429);
            assert_eq!(e.retry_after, "3600");
            assert_eq!(e.delay, secs(3600));
            assert_eq!(e.limit, secs(60));
            assert_eq!(e.request_id.as_deref(), Some("req-42"));
        }
        other => panic!("expected RetryAfterTooLong, got {other:?}"),
    }
    assert_eq!(err.status(), Some(rt::StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(
        err.to_string(),
        "listThings returned 429 Too Many Requests with Retry-After `3600`, longer than the 60s limit"
    );
    assert!(clock.sleeps().is_empty());
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn endless_429_stops_after_the_attempt_limit() {
    let (result, sleeps, sent) = run(vec![status(429)]).await;
    // The last 429 is handed back for the generated code to map.
    assert_eq!(result.unwrap(), 429);
    assert_eq!(sleeps, [secs(1), secs(2)]);
    assert_eq!(sent, 3);
}

#[tokio::test]
async fn server_errors_then_success_follow_the_backoff_sequence() {
    let server = server_with(vec![
        status(500),
        status(502),
        status(503),
        status(504),
        status(200),
    ])
    .await;
    let clock = FakeClock::default();
    let response = builder(&server.uri(), &clock)
        .retry_policy(RetryPolicy::default().with_max_attempts(5))
        .build()
        .unwrap()
        .execute::<()>(get())
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(clock.sleeps(), [secs(1), secs(2), secs(4), secs(8)]);
    assert_eq!(received(&server).await.len(), 5);
}

#[tokio::test]
async fn backoff_is_capped() {
    let server = server_with(vec![status(503)]).await;
    let clock = FakeClock::default();
    let policy = RetryPolicy::default()
        .with_max_attempts(5)
        .with_base_delay(Duration::from_millis(300))
        .with_max_delay(secs(1));
    builder(&server.uri(), &clock)
        .retry_policy(policy)
        .build()
        .unwrap()
        .execute::<()>(get())
        .await
        .unwrap();
    assert_eq!(
        clock.sleeps(),
        [
            Duration::from_millis(300),
            Duration::from_millis(600),
            secs(1),
            secs(1)
        ]
    );
}

#[tokio::test]
async fn request_timeout_408_is_retried() {
    let (result, sleeps, _) = run(vec![status(408), status(200)]).await;
    assert_eq!(result.unwrap(), 200);
    assert_eq!(sleeps, [secs(1)]);
}

#[tokio::test]
async fn client_errors_are_sent_exactly_once() {
    for code in [400, 401, 403, 404, 409] {
        let (result, sleeps, sent) = run(vec![status(code), status(200)]).await;
        assert_eq!(result.unwrap(), code);
        assert!(sleeps.is_empty(), "{code}");
        assert_eq!(sent, 1, "{code}");
    }
}

#[tokio::test]
async fn post_is_retried_only_on_429_and_503() {
    for (code, expected_sends) in [(500, 1), (502, 1), (504, 1), (408, 1), (429, 2), (503, 2)] {
        let server = server_with(vec![status(code), status(201)]).await;
        let clock = FakeClock::default();
        for method in [Method::POST, Method::PATCH] {
            let request = Request::new("createThing", method.clone(), "/things")
                .json_body("application/json", &serde_json::json!({}));
            client(&server.uri(), &clock)
                .execute::<()>(request)
                .await
                .unwrap();
        }
        let requests = received(&server).await;
        // The POST consumed the scripted failure; the PATCH got the repeated 201.
        assert_eq!(requests.len(), expected_sends + 1, "{code}");
    }
}

#[tokio::test]
async fn put_and_delete_are_retried_like_get() {
    for method in [Method::PUT, Method::DELETE] {
        let server = server_with(vec![status(502), status(204)]).await;
        let clock = FakeClock::default();
        let request = Request::new("replaceThing", method.clone(), "/things/1");
        let response = client(&server.uri(), &clock)
            .execute::<()>(request)
            .await
            .unwrap();
        assert_eq!(response.status(), 204, "{method}");
        assert_eq!(clock.sleeps(), [secs(1)], "{method}");
    }
}

#[tokio::test]
async fn the_deadline_stops_retries_before_sleeping_past_it() {
    let server = server_with(vec![status(503)]).await;
    let clock = FakeClock::default();
    let err = builder(&server.uri(), &clock)
        .retry_policy(RetryPolicy::default().with_max_attempts(10))
        .deadline(secs(5))
        .build()
        .unwrap()
        .execute::<()>(get())
        .await
        .unwrap_err();
    match err {
        Error::Timeout(e) => {
            assert_eq!(e.kind, TimeoutKind::Deadline);
            assert_eq!(e.after, secs(5));
        }
        other => panic!("expected a deadline timeout, got {other:?}"),
    }
    // 1 s + 2 s fit in 5 s; the next 4 s wait would not.
    assert_eq!(clock.sleeps(), [secs(1), secs(2)]);
    assert_eq!(received(&server).await.len(), 3);
}

/// A clock whose sleeps never end, and which says when one starts.
#[derive(Clone)]
struct StallingClock {
    started: Arc<tokio::sync::Notify>,
}

impl Clock for StallingClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn wall(&self) -> SystemTime {
        SystemTime::now()
    }

    fn sleep(&self, _: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        self.started.notify_one();
        Box::pin(std::future::pending())
    }
}

#[tokio::test]
async fn dropping_a_call_during_backoff_sends_nothing_more() {
    let server = server_with(vec![status(503)]).await;
    let started = Arc::new(tokio::sync::Notify::new());
    let client = rt::Client::builder()
        .api_url(server.uri())
        .access_token("t")
        .clock(StallingClock {
            started: started.clone(),
        })
        .build()
        .unwrap();
    let call = tokio::spawn(async move { client.execute::<()>(get()).await });
    started.notified().await;
    call.abort();
    assert!(call.await.unwrap_err().is_cancelled());
    // The call's future is gone, so nothing can send the retry.
    assert_eq!(received(&server).await.len(), 1);
}
