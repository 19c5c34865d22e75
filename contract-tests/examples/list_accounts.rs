//! Streams every account, page by page, and prints one line per account.
//!
//! ```sh
//! # Against the Prism mock server (any token will do):
//! SAIL_API_URL=http://127.0.0.1:4010 SAIL_ACCESS_TOKEN=any cargo run -p contract-tests --example list_accounts
//! # Against a tenant (or with ./config.json, or the SailPoint CLI's configuration):
//! SAIL_BASE_URL=https://acme.api.identitynow.com SAIL_CLIENT_ID=... SAIL_CLIENT_SECRET=... \
//!     cargo run -p contract-tests --example list_accounts -- 'sourceId eq "2c91..."'
//! ```
//!
//! The optional argument is a `filters` expression.
use futures_util::StreamExt as _;
use sailpoint_beta::models::ListAccountsDetailLevel;
use sailpoint_beta::{AccountsApi, Client};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let api = AccountsApi::new(Client::from_env()?);
    #[allow(deprecated)] // The beta list is deprecated in favour of v2025.
    let mut request = api
        .list_accounts()
        .detail_level(ListAccountsDetailLevel::Slim);
    if let Some(filters) = std::env::args().nth(1) {
        request = request.filters(filters);
    }
    // Pages of 250 (the most the API allows) until a short page.
    let mut accounts = request.into_stream();
    let mut count = 0u64;
    while let Some(account) = accounts.next().await {
        let account = account?;
        count += 1;
        println!(
            "{}\t{}\t{}\t{}",
            account.id.as_deref().unwrap_or("-"),
            account.name.as_deref().unwrap_or("-"),
            account.source_id.as_deref().unwrap_or("-"),
            account.identity_id.as_deref().unwrap_or("-"),
        );
    }
    eprintln!("{count} account(s)");
    Ok(())
}
