//! Every link between the reference pages resolves: to a page (by the site's URL, from the
//! page's `slug`, or by file for `.md` links) and to a heading of that page for `#anchor`s.

mod docs_support;

use docs_support::{accounts, anchors, docs, fixture, fixture_specs, front_matter, links};
use std::collections::BTreeMap;

/// `a/b/../c` → `a/c`; `None` when it climbs above the root.
fn normalize_path(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

/// The links of `pages` (keyed by their path under `docs/`) that do not resolve, each as
/// `page:line: target (why)`.
fn broken_links(pages: &BTreeMap<String, String>) -> (usize, Vec<String>) {
    let markdown: BTreeMap<&String, &String> =
        pages.iter().filter(|(p, _)| p.ends_with(".md")).collect();
    let mut by_slug = BTreeMap::new();
    for (path, text) in &markdown {
        let (front, _) = front_matter(text).unwrap_or_else(|| panic!("{path} has no front matter"));
        let slug = front
            .get("slug")
            .unwrap_or_else(|| panic!("{path} has no slug"))
            .clone();
        assert!(
            by_slug.insert(slug.clone(), path.to_string()).is_none(),
            "two pages have the slug {slug}"
        );
    }
    let mut checked = 0;
    let mut broken = Vec::new();
    for (path, text) in &markdown {
        let (front, _) = front_matter(text).unwrap_or_default();
        let slug = &front["slug"];
        for (line, target) in links(text) {
            checked += 1;
            let mut report = |why: &str| broken.push(format!("{path}:{line}: {target} ({why})"));
            if target.starts_with("https://") || target.starts_with("http://") {
                if target.contains(char::is_whitespace) {
                    report("a URL with spaces");
                }
                continue;
            }
            let (page_part, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let resolved = if page_part.is_empty() {
                Some(path.to_string())
            } else if page_part.ends_with(".md") {
                // Links to files: the site maps them to the file's page.
                let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
                normalize_path(&format!("{dir}/{page_part}")).filter(|p| pages.contains_key(p))
            } else if page_part.contains(':') {
                report("an unexpected scheme");
                continue;
            } else {
                // Links to URLs: relative to the page's own URL, as a browser resolves them.
                let base = slug.rsplit_once('/').map_or("", |(d, _)| d);
                let url = if page_part.starts_with('/') {
                    page_part.to_string()
                } else {
                    format!("{base}/{page_part}")
                };
                normalize_path(&url).and_then(|u| by_slug.get(&format!("/{u}")).cloned())
            };
            let Some(resolved) = resolved else {
                report("no such page");
                continue;
            };
            if !anchor.is_empty() && !anchors(&pages[&resolved]).iter().any(|a| a == anchor) {
                report(&format!("no heading `{anchor}` in {resolved}"));
            }
        }
    }
    (checked, broken)
}

#[test]
fn every_link_of_the_accounts_pages_resolves() {
    let pages = docs(&accounts().files);
    let (checked, broken) = broken_links(&pages);
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    // The methods table, the model links of every table and the back-to-top links: hundreds.
    assert!(checked > 200, "only {checked} links were found");
}

/// Every committed page of every crate, links between versions included (a deprecated beta
/// operation links to its v2025 replacement).
#[test]
fn every_link_of_the_committed_pages_resolves() {
    let pages = docs_support::committed_pages();
    let (checked, broken) = broken_links(&pages);
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    assert!(checked > 10_000, "only {checked} links were found");
    let cross_version = pages
        .values()
        .filter(|text| text.contains("](../../v2025/methods/"))
        .count();
    assert!(cross_version > 0, "no page links to a replacement in v2025");
}

#[test]
fn every_link_of_the_fixture_pages_resolves() {
    for spec in fixture_specs() {
        let pages = docs(&fixture(&spec).files);
        let (checked, broken) = broken_links(&pages);
        assert!(
            broken.is_empty(),
            "{}: broken links:\n{}",
            spec.display(),
            broken.join("\n")
        );
        assert!(checked > 0, "{}: no link was found", spec.display());
    }
}

#[test]
fn broken_links_and_anchors_are_reported() {
    let mut pages = docs(&accounts().files);
    let page = pages
        .get_mut("methods/accounts.md")
        .expect("the methods page");
    page.push_str("\n[a](../models/no-such-model) [b](#no-such-heading) [c](../models/account#no-such-heading)\n");
    page.push_str("[d](no-such-file.md) [e](../../../../../../../../x) [f](../models/account#example) `[g](#in-code)`\n");
    let (_, broken) = broken_links(&pages);
    let targets: Vec<&str> = broken
        .iter()
        .filter_map(|b| b.split(": ").nth(1))
        .map(|t| t.split(' ').next().unwrap_or_default())
        .collect();
    assert_eq!(
        targets,
        [
            "../models/no-such-model",
            "#no-such-heading",
            "../models/account#no-such-heading",
            "no-such-file.md",
            "../../../../../../../../x"
        ],
        "{broken:#?}"
    );
}

#[test]
fn anchors_follow_the_site_slugger() {
    let text = "---\nslug: /x\n---\n# sailpoint_beta::AccountsApi\n## create-account\n### Parameters\n### Parameters\n```\n# not a heading\n```\n## [**Link**](x) `code`\n";
    assert_eq!(
        anchors(text),
        [
            "sailpoint_betaaccountsapi",
            "create-account",
            "parameters",
            "parameters-1",
            "link-code"
        ]
    );
}
