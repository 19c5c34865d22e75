//! The hand-written baseline: the structs a careful developer would write for an account,
//! field for field what the generated `Account` holds, decoded with plain `serde_json`.

use serde::Deserialize;

/// An account, as the generated `sailpoint_beta::models::Account` has it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub id: Option<String>,
    pub name: Option<String>,
    pub created: Option<String>,
    pub modified: Option<String>,
    pub source_id: Option<String>,
    pub source_name: Option<String>,
    pub identity_id: Option<String>,
    pub cloud_lifecycle_state: Option<String>,
    pub identity_state: Option<String>,
    pub connection_type: Option<String>,
    #[serde(default)]
    pub is_machine: bool,
    pub recommendation: Option<Recommendation>,
    pub attributes: Option<std::collections::BTreeMap<String, serde_json::Value>>,
    pub authoritative: Option<bool>,
    pub description: Option<String>,
    pub disabled: Option<bool>,
    pub locked: Option<bool>,
    pub native_identity: Option<String>,
    pub system_account: Option<bool>,
    pub uncorrelated: Option<bool>,
    pub uuid: Option<String>,
    pub manually_correlated: Option<bool>,
    pub has_entitlements: Option<bool>,
    pub identity: Option<Reference>,
    pub source_owner: Option<Reference>,
    pub features: Option<String>,
    pub origin: Option<String>,
    pub owner_identity: Option<Reference>,
}

/// A reference to another object.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Reference {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub id: Option<String>,
    pub name: Option<String>,
}

/// How an account was classified.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Recommendation {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub method: Option<String>,
}
