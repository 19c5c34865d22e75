//! Response shapes reported against SailPoint's SDKs, each of which broke a call, decoded into
//! the generated models: by default each decodes, with a warning naming the operation and the
//! JSON path of what was dropped; with strict decoding each fails naming that path.

use std::sync::{Arc, Mutex};

use sailpoint_beta::models::{
    Account, AccountsAsyncResult, BulkIdentitiesAccountsResponse, Entitlement, TaskResultDto,
};
use sailpoint_beta::runtime as rt;
use serde_json::{json, Value};

/// One reported shape: the model it broke, the body, and the path of the offending value.
struct Shape {
    what: &'static str,
    body: Value,
    path: &'static str,
    decode: fn(&rt::Response) -> Result<(), rt::Error<()>>,
}

fn decode<T: serde::de::DeserializeOwned>(response: &rt::Response) -> Result<(), rt::Error<()>> {
    response.json::<T, ()>().map(drop)
}

fn account(overrides: Value) -> Value {
    let mut account = json!({
        "id": "2c9180835d2e5168015d32f890ca1581",
        "name": "john.doe",
        "sourceId": "2c9180835d2e5168015d32f890ca1581",
        "sourceName": "Employees",
        "attributes": {"firstName": "John"},
        "authoritative": false,
        "disabled": false,
        "locked": false,
        "nativeIdentity": "552775",
        "systemAccount": false,
        "uncorrelated": false,
        "manuallyCorrelated": false,
        "hasEntitlements": true,
    });
    let (Value::Object(target), Value::Object(extra)) = (&mut account, overrides) else {
        unreachable!("both are objects")
    };
    target.extend(extra);
    account
}

fn shapes() -> Vec<Shape> {
    let mut page: Vec<Value> = (0..250).map(|_| account(json!({}))).collect();
    page[249] = account(json!({"sourceId": null}));
    vec![
        Shape {
            what: "a string field that arrives as an integer (attributesHash: 12345)",
            body: account(json!({"nativeIdentity": 12345})),
            path: "nativeIdentity",
            decode: decode::<Account>,
        },
        Shape {
            what: "a string field that arrives as an array (dimensionRefs: [])",
            body: account(json!({"description": []})),
            path: "description",
            decode: decode::<Account>,
        },
        Shape {
            what: "a required value null inside a nested object",
            body: account(json!({"recommendation": {"type": null, "method": "DISCOVERY"}})),
            path: "recommendation.type",
            decode: decode::<Account>,
        },
        Shape {
            what: "a required string null deep in a page (offset 249 of 250)",
            body: Value::Array(page),
            path: "[249].sourceId",
            decode: decode::<Vec<Account>>,
        },
        Shape {
            what: "null inside an array of strings",
            body: json!({"name": "x", "segments": ["a", null, "b"]}),
            path: "segments[1]",
            decode: decode::<Entitlement>,
        },
        Shape {
            what: "a required boolean that arrives null",
            body: account(json!({"disabled": null})),
            path: "disabled",
            decode: decode::<Account>,
        },
        Shape {
            what: "a boolean that arrives as a string",
            body: account(json!({"manuallyCorrelated": "false"})),
            path: "manuallyCorrelated",
            decode: decode::<Account>,
        },
        Shape {
            what: "a task status whose fields are all null, its type a number",
            body: json!({"type": 5, "id": null, "name": null}),
            path: "type",
            decode: decode::<TaskResultDto>,
        },
        Shape {
            what: "an integer that arrives as a string",
            body: json!([{"id": "a1", "statusCode": "200", "message": null}]),
            path: "[0].statusCode",
            decode: decode::<Vec<BulkIdentitiesAccountsResponse>>,
        },
        Shape {
            what: "a required id that arrives null (a source's owner: null)",
            body: json!({"id": null}),
            path: "id",
            decode: decode::<AccountsAsyncResult>,
        },
        Shape {
            what: "a required id that arrives as an object",
            body: json!({"id": {"value": "a1"}}),
            path: "id",
            decode: decode::<AccountsAsyncResult>,
        },
    ]
}

fn response(body: &Value, strict: bool) -> rt::Response {
    rt::Response::new(
        "listAccounts",
        rt::StatusCode::OK,
        rt::HeaderMap::new(),
        rt::Bytes::from(body.to_string()),
    )
    .strict_decoding(strict)
}

/// Collects the warnings logged while `f` runs.
fn warnings(f: impl FnOnce()) -> Vec<String> {
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let lines = Lines::default();
    let writer = lines.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, f);
    let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
    text.lines().map(str::to_owned).collect()
}

#[test]
fn each_shape_decodes_with_one_warning_naming_its_path() {
    let shapes = shapes();
    assert!(shapes.len() >= 8);
    for shape in &shapes {
        let logged = warnings(|| {
            (shape.decode)(&response(&shape.body, false))
                .unwrap_or_else(|e| panic!("{}: lenient decoding failed: {e:?}", shape.what))
        });
        assert_eq!(logged.len(), 1, "{}: {logged:#?}", shape.what);
        let line = &logged[0];
        assert!(
            line.contains("operation=\"listAccounts\"") || line.contains("operation=listAccounts"),
            "{}: {line}",
            shape.what
        );
        assert!(
            line.contains(&format!("path={}", shape.path)),
            "{}: {line}",
            shape.what
        );
    }
}

#[test]
fn each_shape_fails_strict_decoding_naming_its_path() {
    for shape in shapes() {
        match (shape.decode)(&response(&shape.body, true)) {
            Err(rt::Error::Decode(e)) => assert_eq!(e.path(), shape.path, "{}", shape.what),
            other => panic!("{}: expected a decode error, got {other:?}", shape.what),
        }
    }
}

#[test]
fn a_new_enum_value_in_a_nested_object_needs_no_leniency() {
    // Enums keep values they do not know, so this shape decodes in strict mode too.
    let body = json!([account(
        json!({"identity": {"type": "NEW_KIND", "id": "i1"}})
    )]);
    let logged = warnings(|| {
        let accounts = response(&body, true).json::<Vec<Account>, ()>().unwrap();
        let kind = accounts[0].identity.as_ref().and_then(|i| i.r#type.clone());
        assert_eq!(kind.map(|k| k.to_string()).as_deref(), Some("NEW_KIND"));
    });
    assert!(logged.is_empty(), "{logged:?}");
}
