//! Per-call options (timeout, headers), default headers and middleware.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{builder, client, received, Sequence};
use rt::{
    BoxFuture, CallOptions, Error, FakeClock, Method, Middleware, MiddlewareResult, Next, Request,
    TimeoutKind,
};
use sailpoint_sdk_runtime as rt;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path("/things"))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

fn get() -> Request {
    Request::new("listThings", Method::GET, "/things").header("x-op", "operation")
}

fn header<'a>(request: &'a wiremock::Request, name: &str) -> Vec<&'a str> {
    request
        .headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_per_call_timeout_replaces_the_attempt_timeout() {
    let server = server(ResponseTemplate::new(200).set_delay(Duration::from_secs(5))).await;
    let client = builder(&server.uri(), &FakeClock::default())
        .retry_policy(rt::RetryPolicy::none())
        .build()
        .unwrap();
    let options = CallOptions::new().timeout(Duration::from_millis(50));
    let err = client
        .execute::<()>(get().options(&options))
        .await
        .unwrap_err();
    match err {
        Error::Timeout(t) => {
            assert_eq!(t.kind, TimeoutKind::Attempt);
            assert_eq!(t.after, Duration::from_millis(50));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn default_operation_and_per_call_headers_layer() {
    let server = server(ResponseTemplate::new(200)).await;
    let client = builder(&server.uri(), &FakeClock::default())
        .default_header("Prefer", "code=200")
        .default_header("x-op", "default")
        .default_header("x-call", "default")
        .build()
        .unwrap();
    let options = CallOptions::new()
        .header("x-call", "one")
        .header("x-call", "two");
    client.execute::<()>(get().options(&options)).await.unwrap();
    client.execute::<()>(get()).await.unwrap();

    let sent = received(&server).await;
    // A default header fills in; the operation's own header wins over a default one...
    assert_eq!(header(&sent[0], "prefer"), ["code=200"]);
    assert_eq!(header(&sent[0], "x-op"), ["operation"]);
    // ...and per-call headers replace both, keeping their own repeats.
    assert_eq!(header(&sent[0], "x-call"), ["one", "two"]);
    assert_eq!(header(&sent[1], "x-call"), ["default"]);
    assert_eq!(header(&sent[1], "authorization"), ["Bearer test-token"]);
}

#[tokio::test]
async fn a_per_call_authorization_replaces_the_token() {
    let server = server(ResponseTemplate::new(200)).await;
    let client = client(&server.uri(), &FakeClock::default());
    let options = CallOptions::new().header("Authorization", "Custom abc");
    client.execute::<()>(get().options(&options)).await.unwrap();
    let sent = received(&server).await;
    assert_eq!(header(&sent[0], "authorization"), ["Custom abc"]);
}

#[tokio::test]
async fn invalid_headers_are_named() {
    let err = builder("http://127.0.0.1:1", &FakeClock::default())
        .default_header("bad name", "x")
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid default_header: `bad name` is not a header name"
    );
    let client = client("http://127.0.0.1:1", &FakeClock::default());
    let options = CallOptions::new().header("x-a", "line\nbreak");
    let err = client
        .execute::<()>(get().options(&options))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "listThings: could not encode the request: the value of header `x-a` is not a valid header value"
    );
}

/// (operation, attempt, status) of one exchange.
type Exchange = (&'static str, u32, u16);

/// Records every exchange and adds a header.
#[derive(Clone, Default)]
struct Metrics(Arc<Mutex<Vec<Exchange>>>);

impl Middleware for Metrics {
    fn handle<'a>(
        &'a self,
        mut request: reqwest::Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, MiddlewareResult> {
        Box::pin(async move {
            request
                .headers_mut()
                .insert("x-signed", "by-middleware".parse().unwrap());
            let (operation, attempt) = (next.operation(), next.attempt());
            let response = next.run(request).await?;
            let status = response.status().as_u16();
            self.0.lock().unwrap().push((operation, attempt, status));
            Ok(response)
        })
    }
}

/// Answers `/cached` itself, without going to the server.
struct Cache;

impl Middleware for Cache {
    fn handle<'a>(
        &'a self,
        request: reqwest::Request,
        next: Next<'a>,
    ) -> BoxFuture<'a, MiddlewareResult> {
        Box::pin(async move {
            if request.url().path() == "/cached" {
                let answer = http::Response::builder().status(203).body("[1]").unwrap();
                return Ok(reqwest::Response::from(answer));
            }
            next.run(request).await
        })
    }
}

#[tokio::test]
async fn middleware_sees_every_attempt_and_can_answer() {
    let server = MockServer::start().await;
    Mock::given(path("/things"))
        .respond_with(Sequence::new(vec![
            ResponseTemplate::new(503),
            ResponseTemplate::new(200),
        ]))
        .mount(&server)
        .await;
    let metrics = Metrics::default();
    let client = builder(&server.uri(), &FakeClock::default())
        .middleware(metrics.clone())
        .middleware(Cache)
        .build()
        .unwrap();
    client.execute::<()>(get()).await.unwrap();
    let cached = client
        .execute::<()>(Request::new("getCached", Method::GET, "/cached"))
        .await
        .unwrap();
    assert_eq!(cached.status().as_u16(), 203);
    assert_eq!(cached.body(), b"[1]");

    assert_eq!(
        *metrics.0.lock().unwrap(),
        [
            ("listThings", 1, 503),
            ("listThings", 2, 200),
            ("getCached", 1, 203)
        ]
    );
    let sent = received(&server).await;
    assert_eq!(sent.len(), 2, "the cached call never reached the server");
    assert!(sent
        .iter()
        .all(|r| header(r, "x-signed") == ["by-middleware"]));
}
