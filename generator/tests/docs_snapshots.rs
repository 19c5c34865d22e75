//! Snapshots of every reference page of every fixture. Update them with `cargo insta review`;
//! a test never rewrites them on its own. The pages of `spec/` are locked once, as the
//! committed `generated/sailpoint-beta/docs/`, by `cargo xtask generate --check`.

mod docs_support;

use docs_support::{docs, fixture};

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
