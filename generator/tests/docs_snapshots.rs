//! Snapshots of the rendered reference pages: the methods page, an object and an enum model
//! page and the code sample overlay of `spec/`, and every page of every fixture. Update them
//! with `cargo insta review`; a test never rewrites them on its own.

mod docs_support;

use docs_support::{accounts, docs, fixture};

#[test]
fn accounts_pages() {
    let pages = docs(&accounts().files);
    insta::assert_snapshot!("methods_accounts", pages["methods/accounts.md"]);
    insta::assert_snapshot!("models_account", pages["models/account.md"]);
    insta::assert_snapshot!(
        "models_list_accounts_detail_level",
        pages["models/list-accounts-detail-level.md"]
    );
    insta::assert_snapshot!("overlay", pages["rust_code_examples_overlay.yaml"]);
}

#[test]
fn fixture_pages() {
    insta::glob!("../../spec/fixtures", "*.yaml", |path| {
        let text = docs(&fixture(path).files)
            .iter()
            .map(|(path, text)| format!("==> docs/{path}\n{text}"))
            .collect::<Vec<_>>()
            .join("\n");
        insta::assert_snapshot!("markdown", text);
    });
}
