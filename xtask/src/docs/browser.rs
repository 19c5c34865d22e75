//! The browser check: the subset built as a site, opened page by page in headless Chromium,
//! each page compared with what its Markdown says it must show.

use super::build_site;
use super::pages::{json_string, stage, CrateDocs, Page, Selection};
use super::subset::{
    is_delimiter_row, methods_table_anchors, operation_sections, select_subset, subset_pages,
    ACCOUNTS, BROKEN_SUFFIX,
};
use crate::project_root;
use crate::tools::run;
use anyhow::{ensure, Context, Result};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// What the browser check expects of a rendered page, read from its Markdown.
pub(super) fn expectations(version: &str, page: &Page, screenshot: bool) -> String {
    let mut tables = 0;
    let mut rust_blocks = 0;
    let mut code_blocks = 0;
    let mut fence = false;
    for line in page.text.lines() {
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            if !fence {
                code_blocks += 1;
                if info.split_whitespace().next() == Some("rust") {
                    rust_blocks += 1;
                }
            }
            fence = !fence;
        } else if !fence && is_delimiter_row(trimmed) {
            tables += 1;
        }
    }
    let operations: Vec<String> = if page.section() == "methods" && !page.is_index() {
        let sections: BTreeMap<String, String> =
            operation_sections(&page.text).into_iter().collect();
        methods_table_anchors(&page.text)
            .into_iter()
            .map(|anchor| {
                let deprecated = sections.get(&anchor).is_some_and(|body| {
                    body.lines().any(|l| {
                        l.starts_with(":::") && l.to_ascii_lowercase().contains("deprecated")
                    })
                });
                format!(
                    "{{\"anchor\": {}, \"deprecated\": {deprecated}}}",
                    json_string(&anchor)
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let name = format!(
        "{version}-{}",
        page.rel.trim_end_matches(".md").replace('/', "-")
    );
    format!(
        "{{\"name\": {}, \"url\": {}, \"tables\": {tables}, \"codeBlocks\": {code_blocks}, \
         \"rustBlocks\": {rust_blocks}, \"backToTop\": {}, \"screenshot\": {screenshot}, \
         \"clickRows\": {}, \"operations\": [{}]}}",
        json_string(&name),
        json_string(&page.front.slug),
        page.text.contains("[[Back to top]](#)"),
        // Clicking every row costs a second or so each; the Accounts page's rows are clicked,
        // the other pages' rows are checked against their sections' ids.
        page.rel == ACCOUNTS || page.rel.ends_with(&format!("/accounts{BROKEN_SUFFIX}.md")),
        operations.join(", ")
    )
}

pub(super) fn browser_test(crates: &[CrateDocs]) -> Result<()> {
    let root = project_root();
    let staging = root.join("target/docs-staging-test");
    let site = root.join("target/docs-site-test");
    let mut chosen = BTreeMap::new();
    for c in crates {
        ensure!(
            c.pages.iter().any(|p| p.rel == ACCOUNTS),
            "{}: no {ACCOUNTS} for the browser test",
            c.folder.display()
        );
        chosen.insert(c.version.clone(), select_subset(&c.pages));
    }
    let selection = Selection::Subset(chosen.clone());
    let pages = stage(crates, &staging, &selection)?;
    let started = Instant::now();
    build_site(&staging, &site)?;
    eprintln!(
        "built the test subset ({pages} pages of {} version(s)) in {:.0?}",
        crates.len(),
        started.elapsed()
    );

    // The pages to open: every page of the subset but the broken copy, which is checked apart.
    let mut good = Vec::new();
    let mut broken = Vec::new();
    for c in crates {
        let mut model_shot = false;
        for page in subset_pages(&c.pages, &chosen[&c.version]) {
            if page.front.id.ends_with(BROKEN_SUFFIX) {
                broken.push(expectations(&c.version, &page, true));
            } else {
                // Screenshots of the index pages, the Accounts page and the first model page.
                let model = page.section() == "models" && !page.is_index() && !model_shot;
                model_shot |= model;
                let shot = page.is_index() || page.rel == ACCOUNTS || model;
                good.push(expectations(&c.version, &page, shot));
            }
        }
    }
    ensure_chromium()?;
    let screenshots = root.join("target/docs-site/screenshots");
    if screenshots.exists() {
        std::fs::remove_dir_all(&screenshots)
            .with_context(|| format!("emptying {}", screenshots.display()))?;
    }
    std::fs::create_dir_all(&screenshots)?;
    let good_file = staging.join("check-pages.json");
    std::fs::write(&good_file, format!("[\n{}\n]\n", good.join(",\n")))?;
    let started = Instant::now();
    let (ok, output) = run_checker(&site, &good_file, &screenshots)?;
    eprint!("{output}");
    ensure!(
        ok,
        "the rendered pages failed the browser check (see above)"
    );
    eprintln!(
        "{} pages passed the browser check in {:.0?}",
        good.len(),
        started.elapsed()
    );

    // The check must reject the page whose methods table is broken, and say why.
    let broken_file = staging.join("check-broken.json");
    std::fs::write(&broken_file, format!("[\n{}\n]\n", broken.join(",\n")))?;
    let (ok, output) = run_checker(&site, &broken_file, &screenshots)?;
    ensure!(
        !ok && output.contains("[table]"),
        "the browser check did not report the broken methods table:\n{output}"
    );
    eprintln!("the browser check rejects the page with a broken table, as it should:");
    for line in output.lines().filter(|l| l.contains("FAIL")).take(6) {
        eprintln!("  {line}");
    }
    Ok(())
}

/// Runs `tools/docs-site/check-pages.mjs`; returns whether it passed, and its output.
pub(super) fn run_checker(site: &Path, pages: &Path, screenshots: &Path) -> Result<(bool, String)> {
    let tools = project_root().join("tools/docs-site");
    let output = Command::new("node")
        .arg("check-pages.mjs")
        .arg(site)
        .arg(pages)
        .arg(screenshots)
        .current_dir(&tools)
        .output()
        .context("cannot start `node check-pages.mjs` (is Node.js installed?)")?;
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    Ok((output.status.success(), text))
}

/// Installs Debian's Chromium where `/usr/bin/chromium` is missing (as root, like CI).
pub(super) fn ensure_chromium() -> Result<()> {
    if Path::new(CHROMIUM).exists() {
        return Ok(());
    }
    let uid = Command::new("id")
        .arg("-u")
        .output()
        .context("running `id -u`")?;
    ensure!(
        String::from_utf8_lossy(&uid.stdout).trim() == "0",
        "{CHROMIUM} is missing: install Debian's `chromium` package (apt-get install chromium)"
    );
    let noninteractive = [("DEBIAN_FRONTEND", "noninteractive")];
    let root = project_root();
    run(&root, "apt-get", &["update", "-q"], &noninteractive)?;
    run(
        &root,
        "apt-get",
        &["install", "-y", "-q", "chromium"],
        &noninteractive,
    )
    .context("installing Debian's chromium")
}

pub(super) const CHROMIUM: &str = "/usr/bin/chromium";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::pages::test_page as page;

    #[test]
    fn expectations_count_tables_code_and_deprecations() {
        let p = page(
            "methods/accounts.md",
            "/r/b/methods/accounts",
            "## Intro\n| N | I |\n|-|-|\n| x | [y](https://e/y) |\n\nMethod | D\n--- | ---\n[a](#a) | x\n[**b**](#b) | y\n\n## a\n:::caution deprecated\nx\n:::\n```rust no_run\n## not a heading\n```\n[[Back to top]](#)\n## b\n```toml\nx = 1\n```\n",
        );
        let json = expectations("beta", &p, false);
        assert!(json.contains("\"tables\": 2"), "{json}");
        assert!(
            json.contains("\"codeBlocks\": 2, \"rustBlocks\": 1"),
            "{json}"
        );
        assert!(json.contains("\"backToTop\": true"), "{json}");
        assert!(json.contains(
            "[{\"anchor\": \"a\", \"deprecated\": true}, {\"anchor\": \"b\", \"deprecated\": false}]"
        ), "{json}");
    }
}
