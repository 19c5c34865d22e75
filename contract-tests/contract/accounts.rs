//! The contract a generated `AccountsApi` keeps against Prism: every operation, called through
//! the real client with every optional parameter set, answers its success status with a body
//! that decodes into the generated types, and every error status it declares (asked for with
//! Prism's `Prefer: code=NNN`) decodes into the operation's error enum, in the variant of that
//! status. Prism must find nothing wrong with any request (no violation located in the request
//! in its `sl-violations` header); what it finds wrong with its own examples is counted apart.
//!
//! This file is included with `#[path]`, not compiled on its own, once per version crate: the
//! includer names the crate `sdk` (`use sailpoint_v2025 as sdk;`) and depends on `reqwest` and
//! `serde_json`. [`run`] calls the eleven operations every version has; the five operations on
//! identities' accounts that v3 lacks are in `identity_accounts.rs`, which the includers of
//! beta, v2024 and v2025 include beside this file and pass to [`run`].
#![allow(deprecated)] // The beta Accounts operations are deprecated in favour of v2025.

use std::collections::{BTreeMap, BTreeSet};

use super::sdk;
use sdk::apis::accounts_api as ops;
use sdk::models;
use sdk::runtime as rt;

/// The header in which Prism lists what is wrong with a request (it then answers 4xx).
pub const VIOLATIONS_HEADER: &str = "sl-violations";
/// Any bearer token: Prism checks that one is sent, not what it is.
pub const TOKEN: &str = "contract-test-token";
/// Ids used in paths and bodies (taken from the description's examples).
pub const ACCOUNT_ID: &str = "ef38f94347e94562b5bb8424a56397d8";
pub const IDENTITY_ID: &str = "2c91808384203c2d018437e631158309";
pub const SOURCE_ID: &str = "2c9180835d191a86015d28455b4a2329";

/// What a run of the contract saw.
#[derive(Debug, Default)]
pub struct Figures {
    /// Operations that answered their success status with a body that decoded and checked out.
    pub operations: BTreeSet<&'static str>,
    /// Responses received.
    pub responses: usize,
    /// Request violations Prism reported (`sl-violations` located in the request), as
    /// `operation: violation`.
    pub violations: Vec<String>,
    /// Response violations Prism reported: the description's example does not match its own
    /// schema. Not the client's doing; the body must decode all the same.
    pub description_findings: Vec<String>,
    /// Error statuses decoded into the expected variant: (error type, status, variant).
    pub decoded: BTreeSet<(&'static str, u16, &'static str)>,
    /// Everything that did not go as expected.
    pub failures: Vec<String>,
    /// Whether the description declares `Retry-After` on 429 responses, so that Prism sends it.
    pub retry_after_declared: bool,
}

impl Figures {
    /// Empty figures. `retry_after_declared` says whether the description declares a
    /// `Retry-After` header on 429 responses (`spec/` does, SailPoint's descriptions do not),
    /// which the 429 error must then expose.
    pub fn new(retry_after_declared: bool) -> Figures {
        Figures {
            retry_after_declared,
            ..Figures::default()
        }
    }

    /// Counts a response and sorts the violations Prism reported with it: those located in the
    /// request are the client's, those located in the response are the description's (an
    /// example that does not match its schema).
    pub fn response(&mut self, operation: &'static str, headers: &rt::HeaderMap) {
        self.responses += 1;
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

    pub fn fail(&mut self, operation: &'static str, what: impl std::fmt::Display) {
        self.failures.push(format!("{operation}: {what}"));
    }

    /// Decoded error statuses per variant, e.g. `BadRequest 16`.
    pub fn decoded_per_variant(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for (_, _, variant) in &self.decoded {
            *counts.entry(*variant).or_default() += 1;
        }
        counts
    }

    /// The figures in a few lines; `operations` is how many operations the API has.
    pub fn summary(&self, operations: usize) -> String {
        let per_variant: Vec<String> = self
            .decoded_per_variant()
            .iter()
            .map(|(variant, n)| format!("{variant} {n}"))
            .collect();
        format!(
            "operations called: {}/{operations}\nresponses: {}\nPrism request violations: {}\nPrism response violations (examples that break their schema): {}\nerror statuses decoded: {} ({})\nfailures: {}",
            self.operations.len(),
            self.responses,
            self.violations.len(),
            self.description_findings.len(),
            self.decoded.len(),
            per_variant.join(", "),
            self.failures.len()
        )
    }

    /// The figures as JSON, for a harness to hand to its test.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "operations": self.operations,
            "responses": self.responses,
            "violations": self.violations,
            "description_findings": self.description_findings,
            "decoded": self.decoded,
            "failures": self.failures,
        })
    }
}

/// Clients for one Prism: one that asks for nothing, and one per `Prefer` header value
/// (`code=404` asks Prism for that status, `example=FullAccounts` for that example), sent as
/// the client's default header.
pub struct Clients {
    plain: sdk::Client,
    prefer: BTreeMap<String, sdk::Client>,
    api_url: String,
}

impl Clients {
    pub fn new(api_url: &str) -> Clients {
        Clients {
            plain: client(api_url, None),
            prefer: BTreeMap::new(),
            api_url: api_url.to_owned(),
        }
    }

    /// The API without a `Prefer` header.
    pub fn api(&self) -> sdk::AccountsApi {
        sdk::AccountsApi::new(self.plain.clone())
    }

    /// The API with `Prefer: <prefer>` on every request (`code=404`, `example=FullAccounts`).
    pub fn api_preferring(&mut self, prefer: &str) -> sdk::AccountsApi {
        let client = self
            .prefer
            .entry(prefer.to_owned())
            .or_insert_with(|| client(&self.api_url, Some(prefer)));
        sdk::AccountsApi::new(client.clone())
    }
}

/// A client for Prism at `api_url` (used as is: Prism serves the paths at its root) with a
/// static bearer token and no retries, so a 429 or 500 comes back at once.
pub fn client(api_url: &str, prefer: Option<&str>) -> sdk::Client {
    let mut builder = sdk::Client::builder()
        .api_url(api_url)
        .access_token(TOKEN)
        .retry_policy(rt::RetryPolicy::none());
    if let Some(prefer) = prefer {
        builder = builder.default_header("Prefer", prefer);
    }
    builder
        .build()
        .unwrap_or_else(|e| panic!("cannot build a client for {api_url}: {e}"))
}

/// An error body decoded from Prism's example: checks that the example's fields arrived.
pub trait ErrorShape {
    fn check(&self) -> Result<(), String>;
}

impl ErrorShape for models::ErrorResponseDto {
    fn check(&self) -> Result<(), String> {
        let text = self
            .messages
            .as_ref()
            .and_then(|messages| messages.first())
            .and_then(|message| message.text.as_ref());
        ensure(
            self.detail_code.is_some() && text.is_some(),
            format!("an ErrorResponseDto without detailCode or message text: {self:?}"),
        )
    }
}

impl ErrorShape for models::UnauthorizedError {
    fn check(&self) -> Result<(), String> {
        ensure(
            self.error.is_some(),
            format!("an UnauthorizedError without error: {self:?}"),
        )
    }
}

impl ErrorShape for models::TooManyRequestsError {
    fn check(&self) -> Result<(), String> {
        ensure(
            self.message.is_some(),
            format!("a TooManyRequestsError without message: {self:?}"),
        )
    }
}

pub fn ensure(condition: bool, otherwise: impl Into<String>) -> Result<(), String> {
    if condition {
        Ok(())
    } else {
        Err(otherwise.into())
    }
}

/// Calls one operation for its success status, then once per declared error status.
///
/// `call` builds the request from an `AccountsApi`; `success` checks the decoded body; the
/// error list is the operation's declared statuses with the variant each must decode into.
macro_rules! operation {
    (
        $figures:ident, $clients:ident, $operation:literal, $error:ident,
        call: |$api:ident| $call:expr,
        success: |$body:ident| $check:expr,
        errors: [$($status:literal => $variant:ident),+ $(,)?] $(,)?
    ) => {{
        let call = |$api: sdk::AccountsApi| $call;
        match call($clients.api()).send_full().await {
            Ok(response) => {
                $figures.response($operation, &response.headers);
                let $body = &response.body;
                let checked: Result<(), String> = $check;
                match checked {
                    Ok(()) => {
                        $figures.operations.insert($operation);
                    }
                    Err(e) => $figures.fail($operation, e),
                }
            }
            Err(sdk::Error::Decode(e)) => match description_defect($operation, &e) {
                Some(defect) => {
                    $figures.responses += 1;
                    $figures.description_findings.push(format!(
                        "{}: the example does not decode at {}: {defect}",
                        $operation,
                        e.path()
                    ));
                    $figures.operations.insert($operation);
                }
                None => $figures.fail($operation, format!("the success status failed: {e:?}")),
            },
            Err(e) => $figures.fail($operation, format!("the success status failed: {e:?}")),
        }
        $(
            let api = $clients.api_preferring(concat!("code=", stringify!($status)));
            match call(api).send_full().await {
                Err(sdk::Error::Api(error)) => {
                    $figures.response($operation, error.headers());
                    match (error.status().as_u16(), error.body()) {
                        ($status, Some(ops::$error::$variant(body))) => {
                            let retry_after = if $status == 429 && $figures.retry_after_declared {
                                ensure(
                                    error.retry_after().is_some(),
                                    "a 429 without Retry-After",
                                )
                            } else {
                                Ok(())
                            };
                            match ErrorShape::check(body).and(retry_after) {
                                Ok(()) => {
                                    $figures.decoded.insert((
                                        stringify!($error),
                                        $status,
                                        stringify!($variant),
                                    ));
                                }
                                Err(e) => $figures.fail($operation, format!("{}: {e}", $status)),
                            }
                        }
                        (status, body) => $figures.fail(
                            $operation,
                            format!(
                                "asked for {} ({}), got {status} decoded as {body:?}",
                                $status,
                                stringify!($variant)
                            ),
                        ),
                    }
                }
                other => $figures.fail(
                    $operation,
                    format!("asked for {}, got {other:?}", $status),
                ),
            }
        )+
    }};
}
// For `identity_accounts.rs`, which the includer of v3 leaves out.
#[allow(unused_imports)]
pub(crate) use operation;

/// Calls the eleven operations every version's `AccountsApi` has (v3 has no more) through
/// `clients`, and adds what it saw to `figures`.
pub async fn run(figures: &mut Figures, clients: &mut Clients) {
    operation!(figures, clients, "createAccount", CreateAccountError,
        call: |api| api.create_account(create_body()),
        success: |body| async_result(&body.id),
        errors: [400 => BadRequest, 401 => Unauthorized, 403 => Forbidden,
                 429 => TooManyRequests, 500 => InternalServerError],
    );
    operation!(figures, clients, "deleteAccount", DeleteAccountError,
        call: |api| api.delete_account(ACCOUNT_ID),
        success: |body| async_result(&body.id),
        errors: [400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound,
                 429 => TooManyRequests, 500 => InternalServerError],
    );
    operation!(figures, clients, "disableAccount", DisableAccountError,
        call: |api| api.disable_account(ACCOUNT_ID, toggle_body()),
        success: |body| async_result(&body.id),
        errors: [400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound,
                 429 => TooManyRequests, 500 => InternalServerError],
    );
    operation!(figures, clients, "enableAccount", EnableAccountError,
        call: |api| api.enable_account(ACCOUNT_ID, toggle_body()),
        success: |body| async_result(&body.id),
        errors: [400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound,
                 429 => TooManyRequests, 500 => InternalServerError],
    );
    operation!(figures, clients, "getAccount", GetAccountError,
        call: |api| api.get_account(ACCOUNT_ID),
        success: |body| ensure(
            body.id.is_some() && body.name.is_some() && body.source_id.is_some(),
            format!("an account without id, name or sourceId: {body:?}"),
        ),
        errors: [400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound,
                 429 => TooManyRequests, 500 => InternalServerError],
    );
    operation!(figures, clients, "getAccountEntitlements", GetAccountEntitlementsError,
        call: |api| api.get_account_entitlements(ACCOUNT_ID).offset(0).limit(250).count(true),
        success: |body| ensure(
            !body.is_empty() && body.iter().all(|e| e.id.is_some() && e.name.is_some()),
            format!("entitlements missing or without id or name: {body:?}"),
        ),
        errors: [400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound,
                 429 => TooManyRequests, 500 => InternalServerError],
    );
    operation!(figures, clients, "listAccounts", ListAccountsError,
        call: |api| api
            .list_accounts()
            .detail_level(models::ListAccountsDetailLevel::Slim)
            .limit(250)
            .offset(0)
            .count(true)
            .filters(format!("identityId eq \"{IDENTITY_ID}\""))
            .sorters("id,name"),
        success: |body| listed_accounts(body),
        errors: [400 => BadRequest, 401 => Unauthorized, 403 => Forbidden,
                 429 => TooManyRequests, 500 => InternalServerError],
    );
    operation!(figures, clients, "putAccount", PutAccountError,
        call: |api| api.put_account(ACCOUNT_ID, put_body()),
        success: |body| async_result(&body.id),
        errors: [400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound,
                 429 => TooManyRequests, 500 => InternalServerError],
    );
    operation!(figures, clients, "submitReloadAccount", SubmitReloadAccountError,
        call: |api| api.submit_reload_account(ACCOUNT_ID),
        success: |body| async_result(&body.id),
        errors: [400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound,
                 429 => TooManyRequests, 500 => InternalServerError],
    );
    operation!(figures, clients, "unlockAccount", UnlockAccountError,
        call: |api| api.unlock_account(ACCOUNT_ID, unlock_body()),
        success: |body| async_result(&body.id),
        errors: [400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound,
                 429 => TooManyRequests, 500 => InternalServerError],
    );
    operation!(figures, clients, "updateAccount", UpdateAccountError,
        call: |api| api.update_account(ACCOUNT_ID, patch_body()),
        success: |_body| Ok(()),
        errors: [400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound,
                 429 => TooManyRequests, 500 => InternalServerError],
    );
}

/// Success bodies that Prism builds from an example that breaks its own schema, so that the SDK
/// rightly refuses to decode them: (version path, operation, path of the decode error, the
/// defect). Such a response is counted apart with the description's findings, not failed on.
pub const DESCRIPTION_DEFECTS: &[(&str, &str, &str, &str)] = &[(
    "/v2025",
    "getAccountEntitlements",
    "[0].directPermissions[0].rights",
    "v2025/schemas/PermissionDto.yaml declares `rights` an array of strings with the string \
     example `HereIsRight1` (v2024's PermissionDto has no such example)",
)];

/// The description defect that explains a decode error of `operation`'s success body, if any.
pub fn description_defect(operation: &str, error: &rt::DecodeError) -> Option<&'static str> {
    DESCRIPTION_DEFECTS
        .iter()
        .find(|(version, op, path, _)| {
            *version == sdk::API_VERSION_PATH && *op == operation && *path == error.path()
        })
        .map(|(_, _, _, defect)| *defect)
}

/// Every list: at least one account, each with its id, name and source.
pub fn listed_accounts(accounts: &[models::Account]) -> Result<(), String> {
    ensure(!accounts.is_empty(), "no accounts in the list example")?;
    for account in accounts {
        ensure(
            account.id.is_some() && account.name.is_some() && account.source_id.is_some(),
            format!("an account without id, name or sourceId: {account:?}"),
        )?;
    }
    Ok(())
}

/// The SLIM list leaves out fields the description marks required: they decode as `None`.
pub fn slim_accounts(accounts: &[models::Account]) -> Result<(), String> {
    ensure(!accounts.is_empty(), "no accounts in the SLIM example")?;
    for account in accounts {
        ensure(
            account.id.is_some() && account.name.is_some() && account.source_id.is_some(),
            format!("a SLIM account without id, name or sourceId: {account:?}"),
        )?;
        ensure(
            account.source_name.is_none()
                && account.authoritative.is_none()
                && account.system_account.is_none()
                && account.uncorrelated.is_none(),
            format!(
                "a SLIM account with sourceName, authoritative, systemAccount or uncorrelated, which the example leaves out: {account:?}"
            ),
        )?;
    }
    Ok(())
}

pub fn async_result(id: &Option<String>) -> Result<(), String> {
    ensure(id.is_some(), "an AccountsAsyncResult without id")
}


/// A new account on a flat file source; `sourceId` is required, the rest are free attributes.
pub fn create_body() -> models::AccountAttributesCreate {
    let mut attributes = models::AccountAttributesCreateAttributes::new(SOURCE_ID);
    for (name, value) in [
        ("name", "john.doe"),
        ("displayName", "John Doe"),
        ("mail", "john.doe@example.com"),
    ] {
        attributes
            .additional_properties
            .insert(name.to_owned(), value.to_owned());
    }
    models::AccountAttributesCreate::new(attributes)
}

/// Every optional field of the enable/disable request set.
pub fn toggle_body() -> models::AccountToggleRequest {
    let mut body = models::AccountToggleRequest::new();
    body.external_verification_id = Some("3f9180835d2e5168015d32f890ca1581".to_owned());
    body.force_provisioning = Some(false);
    body
}

/// Every optional field of the unlock request set.
pub fn unlock_body() -> models::AccountUnlockRequest {
    let mut body = models::AccountUnlockRequest::new();
    body.external_verification_id = Some("3f9180835d2e5168015d32f890ca1581".to_owned());
    body.unlock_idn_account = Some(false);
    body.force_provisioning = Some(false);
    body
}


pub fn put_body() -> models::AccountAttributes {
    let attributes = serde_json::json!({
        "city": "Austin",
        "displayName": "John Doe",
        "userName": "jdoe",
        "sAMAccountName": "jDoe",
        "mail": "john.doe@sailpoint.com",
    });
    let serde_json::Value::Object(attributes) = attributes else {
        unreachable!("an object literal")
    };
    models::AccountAttributes::new(attributes.into_iter().collect())
}

/// A JSON Patch that moves the account to another identity.
pub fn patch_body() -> Vec<BTreeMap<String, serde_json::Value>> {
    serde_json::from_value(serde_json::json!([
        { "op": "replace", "path": "/identityId", "value": IDENTITY_ID },
        { "op": "replace", "path": "/manuallyCorrelated", "value": true },
    ]))
    .unwrap_or_else(|e| panic!("the patch literal is a list of objects: {e}"))
}
