//! Moves an account to another identity with a JSON Patch (`PATCH /accounts/{id}`).
//!
//! ```sh
//! # Against the Prism mock server (any token will do):
//! SAIL_API_URL=http://127.0.0.1:4010 SAIL_ACCESS_TOKEN=any \
//!     cargo run -p contract-tests --example update_account -- ACCOUNT_ID IDENTITY_ID
//! # Against a tenant: SAIL_BASE_URL, SAIL_CLIENT_ID and SAIL_CLIENT_SECRET instead.
//! ```
use std::collections::BTreeMap;

use sailpoint_beta::{AccountsApi, Client};
use serde_json::{json, Value};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(account_id), Some(identity_id)) = (args.next(), args.next()) else {
        eprintln!("usage: update_account ACCOUNT_ID IDENTITY_ID");
        std::process::exit(2);
    };
    // The body is a JSON Patch document: a list of operations.
    let patch: Vec<BTreeMap<String, Value>> = serde_json::from_value(json!([
        { "op": "replace", "path": "/identityId", "value": identity_id },
        { "op": "replace", "path": "/manuallyCorrelated", "value": true },
    ]))?;
    let api = AccountsApi::new(Client::from_env()?);
    #[allow(deprecated)] // The beta operation is deprecated in favour of v2025.
    let response = api.update_account(&account_id, patch).send_full().await?;
    println!(
        "{}: account {account_id} moved to identity {identity_id}: {}",
        response.status,
        serde_json::to_string(&response.body)?
    );
    Ok(())
}
