//! The five `AccountsApi` operations on identities' accounts that beta, v2024 and v2025 have and
//! v3 lacks, under the contract of `accounts.rs` (see there). Included with `#[path]` beside
//! `accounts.rs`, which the includer names `contract`, and with the generated crate named `sdk`.
#![allow(deprecated)] // The beta Accounts operations are deprecated in favour of v2025.

use super::contract::{
    description_defect, ensure, operation, Clients, ErrorShape, Figures, ACCOUNT_ID, IDENTITY_ID,
};
use super::sdk;
use sdk::apis::accounts_api as ops;
use sdk::models;

/// Calls the five operations through `clients` and adds what it saw to `figures`.
pub async fn run(figures: &mut Figures, clients: &mut Clients) {
    operation!(figures, clients, "deleteAccountAsync", DeleteAccountAsyncError,
        call: |api| api.delete_account_async(ACCOUNT_ID),
        success: |body| ensure(body.id.is_some(), format!("a task without id: {body:?}")),
        errors: [400 => BadRequest, 401 => Unauthorized, 403 => Forbidden,
                 429 => TooManyRequests, 500 => InternalServerError],
    );
    operation!(figures, clients, "disableAccountForIdentity", DisableAccountForIdentityError,
        call: |api| api.disable_account_for_identity(IDENTITY_ID),
        success: |_body| Ok(()),
        errors: [400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound,
                 429 => TooManyRequests, 500 => InternalServerError],
    );
    operation!(figures, clients, "disableAccountsForIdentities", DisableAccountsForIdentitiesError,
        call: |api| api.disable_accounts_for_identities(bulk_body()),
        success: |body| bulk_results(body),
        errors: [400 => BadRequest, 401 => Unauthorized, 403 => Forbidden,
                 429 => TooManyRequests, 500 => InternalServerError],
    );
    operation!(figures, clients, "enableAccountForIdentity", EnableAccountForIdentityError,
        call: |api| api.enable_account_for_identity(IDENTITY_ID),
        success: |_body| Ok(()),
        errors: [400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound,
                 429 => TooManyRequests, 500 => InternalServerError],
    );
    operation!(figures, clients, "enableAccountsForIdentities", EnableAccountsForIdentitiesError,
        call: |api| api.enable_accounts_for_identities(bulk_body()),
        success: |body| bulk_results(body),
        errors: [400 => BadRequest, 401 => Unauthorized, 403 => Forbidden,
                 429 => TooManyRequests, 500 => InternalServerError],
    );
}

fn bulk_results(results: &[models::BulkIdentitiesAccountsResponse]) -> Result<(), String> {
    ensure(
        !results.is_empty()
            && results
                .iter()
                .all(|r| r.id.is_some() && r.status_code.is_some()),
        format!("bulk results missing or without id or statusCode: {results:?}"),
    )
}

pub fn bulk_body() -> models::IdentitiesAccountsBulkRequest {
    let mut body = models::IdentitiesAccountsBulkRequest::new();
    body.identity_ids = Some(vec![
        IDENTITY_ID.to_owned(),
        "2c91808384203c2d018437e631158308".to_owned(),
    ]);
    body
}
