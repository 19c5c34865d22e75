//! Links from deprecated operations to their replacements in the other crates of a workspace.
//!
//! SailPoint deprecates an operation with a note that links to the replacement's web page
//! (`[Accounts List](https://developer.sailpoint.com/docs/api/v2025/list-accounts/)`). When that
//! page belongs to a crate generated in the same run, the note should name the Rust method and
//! its reference page instead of only the web; this pass finds those and records them in the IR.

use crate::ir::{Api, Replacement};
use std::collections::BTreeMap;

/// What other crates need to know of one crate to link to its operations.
#[derive(Debug, Clone)]
pub struct CrateLinks {
    /// The API reference URL of this crate's operations (`https://…/docs/api/v2025`).
    api_reference_url: String,
    lib_name: String,
    docs_version: String,
    /// Each operation by its kebab-case id: `(AccountsApi::list_accounts, accounts)`.
    operations: BTreeMap<String, (String, String)>,
}

impl CrateLinks {
    /// The link targets of `api`, or `None` when its operations have no API reference URL.
    pub fn of(api: &Api, api_reference_url: Option<&str>) -> Option<Self> {
        let operations = api
            .operations
            .iter()
            .map(|op| {
                let tag = &api.tags[op.tag];
                (
                    op.kebab.clone(),
                    (
                        format!("{}::{}", tag.name.rust, op.name.rust),
                        tag.slug.clone(),
                    ),
                )
            })
            .collect();
        Some(Self {
            api_reference_url: api_reference_url?.trim_end_matches('/').to_string(),
            lib_name: api.lib_name.clone(),
            docs_version: api.docs_version.clone(),
            operations,
        })
    }

    /// The operation a URL in a note points to: `<api_reference_url>/<kebab-id>[/]`.
    fn resolve(&self, note: &str) -> Option<Replacement> {
        let prefix = format!("{}/", self.api_reference_url);
        note.match_indices(&prefix).find_map(|(at, _)| {
            let rest = &note[at + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .unwrap_or(rest.len());
            let (method, tag_slug) = self.operations.get(&rest[..end])?;
            Some(Replacement {
                rust_path: format!("{}::{method}", self.lib_name),
                page_link: format!(
                    "../../{}/methods/{tag_slug}#{}",
                    self.docs_version,
                    &rest[..end]
                ),
            })
        })
    }
}

/// Sets `Deprecation::replacement` for every deprecated operation of `api` whose note links to
/// an operation of one of `crates` (the first that resolves, in the order given).
pub fn link_replacements(api: &mut Api, crates: &[CrateLinks]) {
    for op in &mut api.operations {
        let Some(deprecation) = &mut op.deprecated else {
            continue;
        };
        let Some(note) = &deprecation.note else {
            continue;
        };
        deprecation.replacement = crates.iter().find_map(|c| c.resolve(note));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> CrateLinks {
        CrateLinks {
            api_reference_url: "https://developer.sailpoint.com/docs/api/v2025".into(),
            lib_name: "sailpoint_v2025".into(),
            docs_version: "v2025".into(),
            operations: [(
                "list-accounts".to_string(),
                (
                    "AccountsApi::list_accounts".to_string(),
                    "accounts".to_string(),
                ),
            )]
            .into_iter()
            .collect(),
        }
    }

    #[test]
    fn a_note_linking_to_a_generated_operation_resolves() {
        let note = "This API has been deprecated, please refer to [Accounts List](https://developer.sailpoint.com/docs/api/v2025/list-accounts/) for latest API.";
        assert_eq!(
            links().resolve(note),
            Some(Replacement {
                rust_path: "sailpoint_v2025::AccountsApi::list_accounts".into(),
                page_link: "../../v2025/methods/accounts#list-accounts".into(),
            })
        );
    }

    #[test]
    fn unknown_operations_and_other_versions_do_not_resolve() {
        for note in [
            "see [x](https://developer.sailpoint.com/docs/api/v2025/list-things)",
            "see [x](https://developer.sailpoint.com/docs/api/v2026/list-accounts)",
            "see [x](https://developer.sailpoint.com/docs/api/v2025/list-accounts-extra)",
            "no link at all",
        ] {
            assert_eq!(links().resolve(note), None, "{note}");
        }
    }
}
