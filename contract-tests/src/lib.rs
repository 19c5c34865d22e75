//! Test support for the contract tests: the pinned Prism mock server ([`Prism`]), a proxy that
//! records the request lines a client sends ([`RecordingProxy`]), and the project's paths.
//!
//! The contract itself (every `AccountsApi` operation, its success body and each declared error
//! status) is `contract/accounts.rs`. It is not a module of this library: `tests/accounts.rs`
//! includes it for the committed SDK, and `tests/full_beta.rs` includes it in a harness for the
//! crate generated from SailPoint's whole beta description, so both SDKs keep the same contract.
#![forbid(unsafe_code)]

mod prism;
mod proxy;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub use prism::{leftover_processes, npm_install, Prism};
pub use proxy::RecordingProxy;

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The Accounts API description the committed SDK is generated from.
pub fn accounts_spec() -> PathBuf {
    workspace_root().join("spec/openapi.yaml")
}

/// The operation ids a generated API module sends, in source order: the first argument of
/// each `rt::Request::new(..)`. Lets a test check that it called every operation there is.
pub fn operation_ids(api_source: &str) -> BTreeSet<String> {
    api_source
        .split("rt::Request::new(")
        .skip(1)
        .filter_map(|rest| {
            let start = rest.find('"')? + 1;
            let end = start + rest[start..].find('"')?;
            Some(rest[start..end].to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_are_read_from_request_constructors() {
        let source = r#"
            let mut request = rt::Request::new(
                    "listAccounts",
                    rt::Method::GET,
                );
            let request = rt::Request::new("getAccount", rt::Method::GET, path);
        "#;
        let ids: Vec<_> = operation_ids(source).into_iter().collect();
        assert_eq!(ids, ["getAccount", "listAccounts"]);
    }
}
