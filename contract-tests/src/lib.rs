//! Test support for the contract tests: the pinned Prism mock server ([`Prism`]), a proxy that
//! records the request lines a client sends ([`RecordingProxy`]), and the project's paths.
//!
//! The contract itself (every `AccountsApi` operation, its success body and each declared error
//! status) is `contract/accounts.rs` (and `contract/identity_accounts.rs`). It is not a module
//! of this library: `tests/accounts.rs` includes it once per version crate, so all four keep the
//! same contract.
#![forbid(unsafe_code)]

pub mod harness;
mod prism;
pub mod prism_spec;
mod proxy;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

pub use prism::{leftover_processes, npm_install, Prism};
pub use proxy::RecordingProxy;

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// The hand-written Accounts description `spec/openapi.yaml`, a small fixture of the generator.
pub fn accounts_spec() -> PathBuf {
    workspace_root().join("spec/openapi.yaml")
}

/// The API versions SailPoint publishes and the project ships a crate for, oldest first.
pub const VERSIONS: [&str; 4] = ["v3", "beta", "v2024", "v2025"];

/// The vendored root of SailPoint's public description of `version` (`v3`, `beta`, `v2024`,
/// `v2025`), which the crate `generated/sailpoint-<version>` is generated from.
pub fn sailpoint_spec(version: &str) -> PathBuf {
    workspace_root().join(format!("spec/sailpoint/sailpoint-api.{version}.yaml"))
}

/// A `cargo` command for running cargo from a test: the cargo running the tests, without the
/// variables cargo sets for the test process (`CARGO_PKG_NAME`, `CARGO_MANIFEST_DIR`, ...).
///
/// Some build scripts (ring's) ask to be rerun when those change, so a nested cargo that saw
/// them would rebuild ring and everything above it, and the next ordinary build would rebuild
/// it all again.
pub fn cargo_command() -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    for (name, _) in std::env::vars_os() {
        let Some(name) = name.to_str() else {
            continue;
        };
        let set_for_crates = name.starts_with("CARGO_PKG_")
            || name.starts_with("CARGO_MANIFEST_")
            || name.starts_with("CARGO_BIN_")
            || matches!(
                name,
                "CARGO_CRATE_NAME"
                    | "CARGO_PRIMARY_PACKAGE"
                    | "CARGO_TARGET_TMPDIR"
                    | "CARGO_RUSTC_CURRENT_DIR"
                    | "OUT_DIR"
            );
        if set_for_crates {
            command.env_remove(name);
        }
    }
    command
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

/// The error statuses a generated API module declares: (error type, status, variant), read from
/// the `NNN => Self::Variant(..)` arms of each `impl rt::ErrorBody for <Type>`.
pub fn declared_error_statuses(api_source: &str) -> BTreeSet<(String, u16, String)> {
    let mut declared = BTreeSet::new();
    for block in api_source.split("impl rt::ErrorBody for ").skip(1) {
        let Some(error_type) = block.split_whitespace().next() else {
            continue;
        };
        let body = block.split("\nimpl").next().unwrap_or(block);
        for line in body.lines() {
            let Some((status, rest)) = line.trim().split_once(" => Self::") else {
                continue;
            };
            let (Ok(status), Some((variant, _))) = (status.parse::<u16>(), rest.split_once('('))
            else {
                continue;
            };
            declared.insert((error_type.to_owned(), status, variant.to_owned()));
        }
    }
    declared
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

    #[test]
    fn declared_error_statuses_are_read_from_decode_arms() {
        let source = "
impl rt::ErrorBody for GetAccountError {
    fn decode(status: rt::StatusCode, body: &[u8]) -> Result<Self, rt::DecodeError> {
        Ok(match status.as_u16() {
            400 => Self::BadRequest(rt::decode_json(body)?),
            404 => Self::NotFound(rt::decode_json(body)?),
            _ => Self::Undeclared(rt::Bytes::copy_from_slice(body)),
        })
    }
}
impl Other {}
";
        let declared: Vec<_> = declared_error_statuses(source).into_iter().collect();
        assert_eq!(
            declared,
            [
                ("GetAccountError".to_owned(), 400, "BadRequest".to_owned()),
                ("GetAccountError".to_owned(), 404, "NotFound".to_owned()),
            ]
        );
    }
}

/// The README's Rust examples (one per version, and one client for two versions), compiled by
/// `cargo test --doc -p contract-tests` against the version crates' Accounts features.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
mod readme {}
