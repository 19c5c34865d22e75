//! Turning bodies into types: malformed JSON, HTML error pages, empty bodies, unknown fields
//! and wrong value types.

mod common;

use common::client;
use rt::{Error, FakeClock, Method, Request, Response};
use sailpoint_sdk_runtime as rt;
use serde::Deserialize;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Debug, Deserialize, PartialEq)]
struct Account {
    id: String,
    name: String,
}

/// The shape generated code gives an operation's error type.
#[derive(Debug)]
enum GetAccountError {
    NotFound(serde_json::Value),
    Undeclared(rt::Bytes),
}

impl rt::ErrorBody for GetAccountError {
    fn decode(status: rt::StatusCode, body: &[u8]) -> Result<Self, rt::DecodeError> {
        Ok(match status.as_u16() {
            404 => Self::NotFound(rt::decode_json(body)?),
            _ => Self::Undeclared(rt::Bytes::copy_from_slice(body)),
        })
    }
}

async fn respond(template: ResponseTemplate) -> Response {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    let clock = FakeClock::default();
    client(&server.uri(), &clock)
        .execute::<GetAccountError>(Request::new("getAccount", Method::GET, "/accounts/1"))
        .await
        .unwrap()
}

fn decode_error<T: std::fmt::Debug>(result: Result<T, Error<GetAccountError>>) -> rt::DecodeError {
    match result {
        Err(Error::Decode(e)) => e,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_with_context() {
    let response =
        respond(ResponseTemplate::new(200).set_body_string(r#"{"id": "a", "name": "#)).await;
    let err = decode_error(response.json::<Account, GetAccountError>());
    assert_eq!(err.operation(), Some("getAccount"));
    assert_eq!(err.status(), Some(rt::StatusCode::OK));
    assert_eq!(err.body_excerpt(), Some(r#"{"id": "a", "name": "#));
    assert!(err.message().contains("EOF"), "{}", err.message());
}

#[tokio::test]
async fn html_error_page_is_kept_as_undeclared_or_reported_as_decode_error() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let response = respond(ResponseTemplate::new(502).set_body_string(html)).await;
    // The generated type keeps undeclared statuses raw...
    match response.clone().into_error::<GetAccountError>() {
        Error::Api(api) => {
            assert!(
                matches!(api.body(), Some(GetAccountError::Undeclared(b)) if b == html.as_bytes())
            );
            assert_eq!(api.body_excerpt(), html);
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    // ...while a JSON error type keeps the HTML as an API error with no decoded body.
    let err = response.into_error::<serde_json::Value>();
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    assert!(api.body().is_none());
    assert_eq!(api.body_text(), html);
    assert_eq!(api.decode_error().and_then(|d| d.body()), Some(html));
    assert_eq!(err.status(), Some(rt::StatusCode::BAD_GATEWAY));
}

#[tokio::test]
async fn declared_error_body_is_decoded() {
    let response = respond(
        ResponseTemplate::new(404)
            .insert_header("slpt-request-id", "abc123")
            .set_body_json(serde_json::json!({"detailCode": "404 Not found"})),
    )
    .await;
    let err = response.into_error::<GetAccountError>();
    assert_eq!(
        err.to_string(),
        "getAccount failed with status 404 Not Found (request id abc123)"
    );
    let Error::Api(api) = err else {
        panic!("expected an API error")
    };
    assert_eq!(api.request_id(), Some("abc123"));
    assert!(
        matches!(api.into_body(), Some(GetAccountError::NotFound(v)) if v["detailCode"] == "404 Not found")
    );
}

#[tokio::test]
async fn undecodable_declared_error_body_is_an_api_error() {
    let response = respond(ResponseTemplate::new(404).set_body_string("not json")).await;
    let err = response.into_error::<GetAccountError>();
    assert!(
        matches!(&err, Error::Api(a) if a.status() == rt::StatusCode::NOT_FOUND
            && a.body().is_none()
            && a.body_text() == "not json"
            && a.decode_error().is_some_and(|d| d.path() == ".")),
        "{err:?}"
    );
}

#[tokio::test]
async fn empty_body_fails_json_but_suits_empty() {
    let response = respond(ResponseTemplate::new(200)).await;
    let err = decode_error(response.json::<Account, GetAccountError>());
    assert_eq!(err.path(), ".");
    response.empty::<GetAccountError>().unwrap();
    let no_content = respond(ResponseTemplate::new(204)).await;
    no_content.empty::<GetAccountError>().unwrap();
    // An empty error body still gives a JSON error type something to hold.
    let err = respond(ResponseTemplate::new(500))
        .await
        .into_error::<serde_json::Value>();
    assert!(
        matches!(&err, Error::Api(a) if a.body().is_some_and(|b| b.is_null())),
        "{err:?}"
    );
}

#[tokio::test]
async fn unknown_fields_are_ignored() {
    let response = respond(ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "id": "a1",
        "name": "Alice",
        "addedInAFutureRelease": {"nested": [1, 2, 3]},
    })))
    .await;
    let account = response.json::<Account, GetAccountError>().unwrap();
    assert_eq!(
        account,
        Account {
            id: "a1".into(),
            name: "Alice".into()
        }
    );
}

#[tokio::test]
async fn wrong_value_type_names_its_json_path() {
    let response = respond(ResponseTemplate::new(200).set_body_json(serde_json::json!([
        {"id": "a1", "name": "Alice"},
        {"id": "a2", "name": 42},
    ])))
    .await;
    // Lenient (the default): the element that cannot be an `Account` is dropped.
    let accounts = response.json::<Vec<Account>, GetAccountError>().unwrap();
    assert_eq!(
        accounts.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        ["a1"]
    );
    // Strict: the error names the path.
    let strict = response.strict_decoding(true);
    let err = decode_error(strict.json::<Vec<Account>, GetAccountError>());
    assert_eq!(err.path(), "[1].name");
    assert!(
        err.to_string()
            .contains("at `[1].name`: invalid type: integer `42`, expected a string"),
        "{err}"
    );
}

#[tokio::test]
async fn json_full_keeps_status_and_total_count() {
    let response = respond(
        ResponseTemplate::new(200)
            .insert_header("x-total-count", "1234")
            .set_body_json(serde_json::json!([])),
    )
    .await;
    let full = response
        .json_full::<Vec<Account>, GetAccountError>()
        .unwrap();
    assert_eq!(full.status, 200);
    assert_eq!(full.total_count(), Some(1234));
    assert!(full.body.is_empty());
}

#[tokio::test]
async fn a_body_the_typed_path_rejects_is_read_raw() {
    // `name` arrives as a number: the typed path refuses it, keeping the whole body...
    let tail = "x".repeat(4_000);
    let body = format!(r#"{{"id": "a1", "name": 42, "note": "{tail}"}}"#);
    let response = respond(ResponseTemplate::new(200).set_body_string(body.clone())).await;
    let strict = response.clone().strict_decoding(true);
    let err = decode_error(strict.json::<Account, GetAccountError>());
    assert_eq!(err.path(), "name");
    assert_eq!(
        err.body(),
        Some(body.as_str()),
        "the whole body, not an excerpt"
    );
    // ...and the raw path (what `send_raw` returns) reads it as any JSON.
    assert_eq!(response.status(), rt::StatusCode::OK);
    let value = response.value().unwrap();
    assert_eq!(value["name"], 42);
    assert_eq!(value["note"].as_str().map(str::len), Some(4_000));
}

#[tokio::test]
async fn the_client_decodes_leniently_unless_strict() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id": "a1", "name": 7}"#))
        .mount(&server)
        .await;
    let call = |strict: bool| {
        let client = common::builder(&server.uri(), &FakeClock::default())
            .strict_decoding(strict)
            .build()
            .unwrap();
        async move {
            client
                .execute::<GetAccountError>(Request::new("getAccount", Method::GET, "/a"))
                .await
                .unwrap()
        }
    };
    #[derive(Debug, Deserialize, PartialEq)]
    struct Loose {
        id: String,
        name: Option<String>,
    }
    let lenient = call(false).await.json::<Loose, GetAccountError>().unwrap();
    assert_eq!(
        lenient,
        Loose {
            id: "a1".into(),
            name: None
        }
    );
    let err = decode_error(call(true).await.json::<Loose, GetAccountError>());
    assert_eq!(err.path(), "name");
}
