//! The calls generated code makes, written the way the generator emits them, against a mock
//! server: path, query and header encoding, bodies, experimental operations and error mapping.

mod common;

use futures_util::TryStreamExt;
use sailpoint_sdk_runtime as rt;
use serde::{Deserialize, Serialize};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Account {
    id: String,
}

#[derive(Debug)]
enum ListAccountsError {
    BadRequest(serde_json::Value),
    Undeclared(rt::Bytes),
}

impl rt::ErrorBody for ListAccountsError {
    fn decode(status: rt::StatusCode, body: &[u8]) -> Result<Self, rt::DecodeError> {
        Ok(match status.as_u16() {
            400 => Self::BadRequest(rt::decode_json(body)?),
            _ => Self::Undeclared(rt::Bytes::copy_from_slice(body)),
        })
    }
}

/// What the generator emits for one operation.
struct ListAccounts {
    client: rt::Client,
    filters: Option<String>,
    limit: Option<u32>,
}

impl ListAccounts {
    async fn send(self) -> Result<Vec<Account>, rt::Error<ListAccountsError>> {
        let mut request =
            rt::Request::new("listAccounts", rt::Method::GET, "/accounts".to_string());
        if let Some(value) = &self.filters {
            request = request.query("filters", value.to_string());
        }
        if let Some(value) = &self.limit {
            request = request.query("limit", value.to_string());
        }
        let request = request.accept("application/json");
        let response: rt::Response = self.client.execute(request).await?;
        match response.status().as_u16() {
            200 => response.json::<Vec<Account>, ListAccountsError>(),
            _ => Err(response.into_error::<ListAccountsError>()),
        }
    }
}

struct UpdateAccount {
    client: rt::Client,
    id: String,
    body: Vec<serde_json::Value>,
}

impl UpdateAccount {
    async fn send(self) -> Result<(), rt::Error<()>> {
        let path = format!("/accounts/{}", rt::encode_path_segment(&self.id));
        let request = rt::Request::new("updateAccount", rt::Method::PATCH, path)
            .header("X-Custom-Trace", "yes".to_string())
            .accept("application/json")
            .json_body("application/json-patch+json", &self.body)
            .experimental();
        let response = self.client.execute(request).await?;
        match response.status().as_u16() {
            202 | 204 => response.empty::<()>(),
            _ => Err(response.into_error::<()>()),
        }
    }
}

fn assert_send_sync<T: Send + Sync + Clone + std::fmt::Debug + 'static>() {}
fn assert_send<T: Send>(_: &T) {}

#[test]
fn client_and_futures_are_thread_safe() {
    assert_send_sync::<rt::Client>();
    let client = rt::Client::builder()
        .api_url("http://127.0.0.1:1")
        .access_token("t")
        .build()
        .unwrap();
    let future = client.execute::<ListAccountsError>(rt::Request::new("op", rt::Method::GET, "/"));
    assert_send(&future);
    let stream = rt::paginate::<Account, (), _, _>(rt::PageOptions::default(), |_, _| async {
        Ok(Vec::new())
    });
    assert_send(&stream);
}

#[tokio::test]
async fn query_values_are_encoded_and_ordered() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/accounts"))
        .and(query_param("filters", "name eq \"A&B\""))
        .and(query_param("limit", "10"))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(vec![Account { id: "1".into() }]))
        .mount(&server)
        .await;
    let clock = rt::FakeClock::default();
    let op = ListAccounts {
        client: common::client(&server.uri(), &clock),
        filters: Some("name eq \"A&B\"".into()),
        limit: Some(10),
    };
    assert_eq!(op.send().await.unwrap(), [Account { id: "1".into() }]);
    let sent = common::received(&server).await;
    assert_eq!(
        sent[0].url.query(),
        Some("filters=name%20eq%20%22A%26B%22&limit=10")
    );
    let agent = sent[0].headers.get("user-agent").unwrap().to_str().unwrap();
    assert_eq!(
        agent,
        format!("SailPoint-SDK-Rust/{}", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test]
async fn declared_error_status_maps_to_the_error_enum() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(serde_json::json!({"detailCode": "400.1 Bad Request"})),
        )
        .mount(&server)
        .await;
    let clock = rt::FakeClock::default();
    let op = ListAccounts {
        client: common::client(&server.uri(), &clock),
        filters: None,
        limit: None,
    };
    match op.send().await.unwrap_err() {
        rt::Error::Api(api) => {
            assert_eq!(api.status(), 400);
            assert!(
                matches!(api.body(), Some(ListAccountsError::BadRequest(v)) if v["detailCode"] == "400.1 Bad Request")
            );
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn undeclared_error_status_keeps_the_raw_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(409).set_body_string("conflict"))
        .mount(&server)
        .await;
    let clock = rt::FakeClock::default();
    let op = ListAccounts {
        client: common::client(&server.uri(), &clock),
        filters: None,
        limit: None,
    };
    let err = op.send().await.unwrap_err();
    assert_eq!(err.status(), Some(rt::StatusCode::CONFLICT));
    assert!(
        matches!(err.api_body(), Some(ListAccountsError::Undeclared(b)) if b == "conflict"),
        "{err:?}"
    );
}

#[tokio::test]
async fn experimental_operation_without_opt_in_sends_nothing() {
    let server = MockServer::start().await;
    let clock = rt::FakeClock::default();
    let op = UpdateAccount {
        client: common::client(&server.uri(), &clock),
        id: "a/b".into(),
        body: vec![],
    };
    let err = op.send().await.unwrap_err();
    assert!(
        matches!(
            err,
            rt::Error::ExperimentalNotEnabled(ref e) if e.operation == "updateAccount"
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "updateAccount is an experimental operation; build the client with experimental(true) to call it"
    );
    assert!(common::received(&server).await.is_empty());
}

#[tokio::test]
async fn experimental_operation_with_opt_in_sends_the_header_and_body() {
    let server = MockServer::start().await;
    let patch = vec![serde_json::json!({"op": "replace", "path": "/name", "value": "x"})];
    Mock::given(method("PATCH"))
        .and(path("/accounts/a%2Fb%20c"))
        .and(header("x-sailpoint-experimental", "true"))
        .and(header("content-type", "application/json-patch+json"))
        .and(header("x-custom-trace", "yes"))
        .and(header("authorization", "Bearer test-token"))
        .and(body_json(&patch))
        .respond_with(ResponseTemplate::new(202))
        .mount(&server)
        .await;
    let clock = rt::FakeClock::default();
    let client = common::builder(&server.uri(), &clock)
        .experimental(true)
        .user_agent_suffix("my-app/1.2")
        .build()
        .unwrap();
    let op = UpdateAccount {
        client,
        id: "a/b c".into(),
        body: patch,
    };
    op.send().await.unwrap();
    let sent = common::received(&server).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0]
            .headers
            .get_all("x-sailpoint-experimental")
            .iter()
            .count(),
        1
    );
    assert!(sent[0].headers["user-agent"]
        .to_str()
        .unwrap()
        .ends_with(" my-app/1.2"));
}

#[tokio::test]
async fn dot_segment_ids_are_refused_before_sending() {
    let server = MockServer::start().await;
    let clock = rt::FakeClock::default();
    let path = format!("/accounts/{}", rt::encode_path_segment(".."));
    let err = common::client(&server.uri(), &clock)
        .execute::<()>(rt::Request::new("deleteAccount", rt::Method::DELETE, path))
        .await
        .unwrap_err();
    assert!(
        matches!(err, rt::Error::Encode(ref e) if e.operation == "deleteAccount"),
        "{err:?}"
    );
    assert!(common::received(&server).await.is_empty());
}

#[tokio::test]
async fn body_serialisation_errors_surface_from_execute() {
    let mut map = std::collections::BTreeMap::new();
    map.insert(vec![1u8], 1);
    let clock = rt::FakeClock::default();
    let err = common::client("http://127.0.0.1:1", &clock)
        .execute::<()>(
            rt::Request::new("createThing", rt::Method::POST, "/things")
                .json_body("application/json", &map),
        )
        .await
        .unwrap_err();
    match err {
        rt::Error::Encode(e) => assert!(e.message.contains("could not serialise"), "{}", e.message),
        other => panic!("expected an encode error, got {other:?}"),
    }
}

#[tokio::test]
async fn rate_limiter_paces_requests_on_the_clock() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let clock = rt::FakeClock::default();
    let client = common::builder(&server.uri(), &clock)
        .rate_limit(rt::RateLimit::new(2, std::time::Duration::from_secs(1)))
        .build()
        .unwrap();
    let stream = rt::paginate::<u8, (), _, _>(
        rt::PageOptions::default().page_size(1).max_items(4),
        move |offset, _| {
            let client = client.clone();
            async move {
                client
                    .execute::<()>(rt::Request::new("ping", rt::Method::GET, "/ping"))
                    .await?;
                Ok(vec![u8::try_from(offset).unwrap_or(0)])
            }
        },
    );
    let items: Vec<u8> = stream.try_collect().await.unwrap();
    assert_eq!(items, [0, 1, 2, 3]);
    let half = std::time::Duration::from_millis(500);
    assert_eq!(clock.sleeps(), [half, half]);
}
