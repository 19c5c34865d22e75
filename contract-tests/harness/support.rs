//! The hand-written part of the every-operation harness that `tests/every_operation.rs` writes
//! for one version crate: what a call's outcome counts as. The harness's `main.rs` is generated
//! from the generator's IR (one function per operation); it includes this file with `#[path]`
//! and names the version crate `sdk`.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::Mutex;

use crate::sdk;
use sdk::runtime as rt;

/// The header in which Prism lists what is wrong with a request or with its own example.
const VIOLATIONS_HEADER: &str = "sl-violations";

/// What the calls saw.
#[derive(Debug, Default)]
pub struct Tally {
    /// Operations called.
    pub called: usize,
    /// Responses received (decoded or not).
    pub responses: usize,
    /// Operations whose success status came back and decoded.
    pub succeeded: usize,
    /// Statuses received, with how many times.
    pub statuses: BTreeMap<u16, usize>,
    /// Violations Prism located in a request: `operation: violation`.
    pub violations: Vec<String>,
    /// Violations Prism located in its own response (an example that breaks its schema).
    pub description_findings: Vec<String>,
    /// Responses whose body did not decode: `operation: error`.
    pub decode_failures: Vec<String>,
    /// Error statuses that came back decoded into a declared variant, per status.
    pub declared_errors: BTreeMap<u16, usize>,
    /// Everything else that went wrong (transport, encoding, undeclared statuses).
    pub other: Vec<String>,
}

impl Tally {
    /// Counts one call's outcome.
    pub fn record<T, E: Debug>(
        &mut self,
        operation: &str,
        outcome: Result<rt::ApiResponse<T>, sdk::Error<E>>,
    ) {
        self.called += 1;
        match outcome {
            Ok(response) => {
                self.response(operation, response.status.as_u16(), &response.headers);
                self.succeeded += 1;
            }
            Err(sdk::Error::Api(error)) => {
                let status = error.status().as_u16();
                self.response(operation, status, error.headers());
                let body = format!("{:?}", error.body());
                if body.starts_with("Undeclared") {
                    self.other.push(format!(
                        "{operation}: undeclared status {status}: {}",
                        error.body_excerpt()
                    ));
                } else {
                    *self.declared_errors.entry(status).or_default() += 1;
                }
            }
            Err(sdk::Error::Decode(error)) => {
                self.responses += 1;
                self.decode_failures.push(format!("{operation}: {error}"));
            }
            Err(other) => self.other.push(format!("{operation}: {other:?}")),
        }
    }

    fn response(&mut self, operation: &str, status: u16, headers: &rt::HeaderMap) {
        self.responses += 1;
        *self.statuses.entry(status).or_default() += 1;
        for value in headers.get_all(VIOLATIONS_HEADER) {
            let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
            let Ok(serde_json::Value::Array(violations)) = serde_json::from_str(&text) else {
                self.violations.push(format!("{operation}: {text}"));
                continue;
            };
            for violation in violations {
                let finding = format!("{operation}: {violation}");
                if violation["location"][0] == "response" {
                    self.description_findings.push(finding);
                } else {
                    self.violations.push(finding);
                }
            }
        }
    }

    /// The figures as one line of JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "called": self.called,
            "responses": self.responses,
            "succeeded": self.succeeded,
            "statuses": self.statuses,
            "violations": self.violations,
            "description_findings": self.description_findings,
            "example_defects": *EXAMPLE_DEFECTS
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
            "decode_failures": self.decode_failures,
            "declared_errors": self.declared_errors,
            "other": self.other,
        })
    }
}

/// Values of the description's examples that do not fit their own schema, found while filling
/// in requests: `operation: what`.
static EXAMPLE_DEFECTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// A value of any type from the first of `candidates` (JSON texts: the description's example,
/// then values built from the schema) that decodes into it. An example that does not is a
/// defect of the description, counted apart.
pub fn de<T: serde::de::DeserializeOwned>(operation: &str, candidates: &[&str]) -> T {
    let mut errors = Vec::new();
    for json in candidates {
        match serde_json::from_str(json) {
            Ok(value) => {
                if !errors.is_empty() {
                    EXAMPLE_DEFECTS
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push(format!(
                            "{operation}: the example of a {} breaks its schema: {}",
                            std::any::type_name::<T>(),
                            errors.join("; ")
                        ));
                }
                return value;
            }
            Err(e) => errors.push(format!("{json}: {e}")),
        }
    }
    panic!(
        "{operation}: no value for a {}: {}",
        std::any::type_name::<T>(),
        errors.join("; ")
    )
}
