//! The browser test's subset of the pages: every page template and every kind of method
//! section and model page, the Accounts methods page of each version, and a copy of one
//! Accounts page whose methods table is broken.

use super::pages::{FrontMatter, Page};
use std::collections::BTreeSet;

/// The id and slug suffix of the copy of an Accounts page whose methods table is broken.
pub(super) const BROKEN_SUFFIX: &str = "-broken-table";

/// The methods page every version's check opens.
pub(super) const ACCOUNTS: &str = "methods/accounts.md";

/// The structure of a page, or of one section of a methods page: its headings, admonitions,
/// code fences and table delimiter rows, in order. Two sections with the same outline come from
/// the same template path, so the subset needs only one of them.
pub(super) fn outline(text: &str) -> String {
    let mut out = Vec::new();
    let mut fence = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            out.push(if fence { "```" } else { trimmed });
            fence = !fence;
        } else if fence {
            continue;
        } else if (trimmed.starts_with('#') && !trimmed.starts_with("# "))
            || trimmed.starts_with(":::")
        {
            out.push(trimmed);
        } else if is_delimiter_row(trimmed) {
            out.push("|---|");
        } else if trimmed.starts_with("- ") && out.last() != Some(&"- …") {
            out.push("- …");
        }
    }
    out.join("\n")
}

/// A GFM table delimiter row: `---- | ----` (with optional outer pipes and alignment colons).
pub(super) fn is_delimiter_row(line: &str) -> bool {
    let line = line.trim().trim_matches('|');
    line.contains('|')
        && line.split('|').all(|cell| {
            let cell = cell.trim().trim_start_matches(':').trim_end_matches(':');
            !cell.is_empty() && cell.chars().all(|c| c == '-')
        })
}

/// The anchors the methods table links to, in order: the rows of the first table whose header
/// starts with `Method` (a tag's description may hold tables of its own before it).
pub(super) fn methods_table_anchors(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.windows(2).position(|w| {
        w[0].trim_start()
            .trim_start_matches('|')
            .trim_start()
            .starts_with("Method ")
            && is_delimiter_row(w[1])
    }) else {
        return Vec::new();
    };
    lines[start + 2..]
        .iter()
        .take_while(|l| l.contains('|'))
        .filter_map(|row| {
            let link = row.split_once("](#")?.1;
            Some(link.split_once(')')?.0.to_string())
        })
        .collect()
}

/// The `## ` sections of a methods page (the operations), with their text.
pub(super) fn operation_sections(text: &str) -> Vec<(String, String)> {
    let mut sections: Vec<(String, String)> = Vec::new();
    let mut fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fence = !fence;
        }
        if !fence {
            if let Some(name) = line.strip_prefix("## ") {
                sections.push((name.trim().to_string(), String::new()));
                continue;
            }
        }
        if let Some((_, body)) = sections.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    sections
}

/// Model pages: the kind the page states (`The struct `…::models::Account`.`: `struct`), the
/// nullable-enum note, and the outline of the page.
pub(super) fn model_outline(page: &Page) -> String {
    let kind = page
        .text
        .lines()
        .find_map(|l| {
            let rest = l.strip_prefix("The ")?;
            let (kind, path) = rest.split_once(" `")?;
            path.contains("::models::").then_some(kind)
        })
        .unwrap_or("");
    let nullable = page.text.contains("also allows `null`");
    format!("{kind} {nullable}\n{}", outline(&page.text))
}

/// The pages of one version the browser test builds: every index page, the Accounts methods
/// page, then methods pages (in name order) while they add a section outline not yet covered,
/// and the first model page of each model outline.
pub(super) fn select_subset(pages: &[Page]) -> BTreeSet<String> {
    let mut keep = BTreeSet::new();
    let mut section_outlines = BTreeSet::new();
    let mut model_outlines = BTreeSet::new();
    let methods = pages
        .iter()
        .filter(|p| p.section() == "methods" && !p.is_index());
    let accounts_first = methods
        .clone()
        .filter(|p| p.rel == ACCOUNTS)
        .chain(methods.filter(|p| p.rel != ACCOUNTS));
    for page in accounts_first {
        let mut new = page.rel == ACCOUNTS;
        for (_, body) in operation_sections(&page.text) {
            new |= section_outlines.insert(outline(&body));
        }
        if new {
            keep.insert(page.rel.clone());
        }
    }
    for page in pages {
        let mut new_model = || model_outlines.insert(model_outline(page));
        if page.is_index() || (page.section() == "models" && new_model()) {
            keep.insert(page.rel.clone());
        }
    }
    keep
}

/// The kept pages, each with its links to pages outside the subset made plain text, plus the
/// broken-table copy of the Accounts page.
pub(super) fn subset_pages(pages: &[Page], keep: &BTreeSet<String>) -> Vec<Page> {
    let kept_slugs: BTreeSet<&str> = pages
        .iter()
        .filter(|p| keep.contains(&p.rel))
        .map(|p| p.front.slug.as_str())
        .collect();
    let mut out: Vec<Page> = pages
        .iter()
        .filter(|p| keep.contains(&p.rel))
        .map(|p| Page {
            text: unlink_outside(p, keep, &kept_slugs),
            ..p.clone()
        })
        .collect();
    if let Some(accounts) = out.iter().find(|p| p.rel == ACCOUNTS) {
        out.push(broken_table_copy(accounts));
    }
    out
}

/// Replaces `[text](target)` with `text` where the target is another page of the same crate
/// that is not kept. Targets are file links (`accounts.md`, resolved against the page's
/// folder) or URL links (`../models/account`, resolved against the page's slug).
pub(super) fn unlink_outside(
    page: &Page,
    keep: &BTreeSet<String>,
    kept_slugs: &BTreeSet<&str>,
) -> String {
    let text = &page.text;
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(start) = rest.find("](") {
        let Some(open) = rest[..start].rfind('[') else {
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            continue;
        };
        let Some(close) = rest[start + 2..].find(')') else {
            break;
        };
        let target = &rest[start + 2..start + 2 + close];
        let path = target.split('#').next().unwrap_or("");
        let outside = !path.is_empty()
            && !path.contains("://")
            && !path.starts_with("mailto:")
            && if path.ends_with(".md") || path.ends_with(".mdx") {
                !keep.contains(&resolve(
                    page.rel.rsplit_once('/').map_or("", |d| d.0),
                    path,
                ))
            } else {
                let base = page.front.slug.rsplit_once('/').map_or("", |d| d.0);
                let url = format!("/{}", resolve(base, path));
                !kept_slugs.contains(url.as_str())
            };
        if outside {
            out.push_str(&rest[..open]);
            out.push_str(&rest[open + 1..start]);
        } else {
            out.push_str(&rest[..start + 2 + close + 1]);
        }
        rest = &rest[start + 2 + close + 1..];
    }
    out.push_str(rest);
    out
}

/// Joins a relative link to a base folder, resolving `.` and `..`; no leading `/`.
pub(super) fn resolve(base: &str, link: &str) -> String {
    let mut parts: Vec<&str> = if link.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|s| !s.is_empty()).collect()
    };
    for part in link.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

/// A copy of a methods page whose methods table lost its delimiter row, so it renders as
/// a paragraph of `|`-separated text: the page the browser check must reject.
pub(super) fn broken_table_copy(page: &Page) -> Page {
    let front = FrontMatter {
        id: format!("{}{BROKEN_SUFFIX}", page.front.id),
        slug: format!("{}{BROKEN_SUFFIX}", page.front.slug),
        title: page.front.title.clone(),
    };
    let mut text = String::new();
    let mut broken = false;
    let mut previous = "";
    for (i, original) in page.text.lines().enumerate() {
        let line = match original.split_once(':') {
            Some(("id", _)) if i < 20 => format!("id: {}", front.id),
            Some(("slug", _)) if i < 20 => format!("slug: {}", front.slug),
            _ => original.to_string(),
        };
        let header = std::mem::replace(&mut previous, original);
        if !broken && is_delimiter_row(&line) && header.trim_start().starts_with("Method ") {
            broken = true;
            continue;
        }
        text.push_str(&line);
        text.push('\n');
    }
    let rel = page.rel.replace(".md", &format!("{BROKEN_SUFFIX}.md"));
    Page { rel, front, text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::pages::test_page as page;

    #[test]
    fn delimiter_rows() {
        assert!(is_delimiter_row(
            "------------- | ------------- | -------------"
        ));
        assert!(is_delimiter_row("| :--- | ---: |"));
        assert!(!is_delimiter_row("Method | HTTP request | Description"));
        assert!(is_delimiter_row("|-|-|-|-|"));
        assert!(!is_delimiter_row("---"));
    }

    #[test]
    fn links_outside_the_subset_become_text() {
        let p = page(
            "models/account.md",
            "/r/beta/models/account",
            "[**A**](../models/kept) [**B**](../models/gone) [C](gone.md) [D](kept.md#x) \
             [E](https://example.com/x) [F](#anchor) [G](../methods/accounts#get)\n",
        );
        let keep: BTreeSet<String> = ["models/kept.md", "models/account.md"]
            .map(String::from)
            .into();
        let slugs: BTreeSet<&str> = ["/r/beta/models/kept", "/r/beta/models/account"].into();
        let text = unlink_outside(&p, &keep, &slugs);
        assert!(text.ends_with(
            "[**A**](../models/kept) **B** C [D](kept.md#x) [E](https://example.com/x) [F](#anchor) G\n"
        ), "{text}");
    }

    #[test]
    fn broken_copy_loses_its_first_table_delimiter() {
        let p = page(
            "methods/accounts.md",
            "/r/beta/methods/accounts",
            "P | Q\n--- | ---\n1 | 2\n\nMethod | Description\n--- | ---\n[**a**](#a) | x\n\n## a\n\nP | Q\n--- | ---\n1 | 2\n",
        );
        let copy = broken_table_copy(&p);
        assert_eq!(copy.rel, "methods/accounts-broken-table.md");
        assert_eq!(copy.front.slug, "/r/beta/methods/accounts-broken-table");
        assert!(copy
            .text
            .contains("slug: /r/beta/methods/accounts-broken-table\n"));
        assert_eq!(copy.text.matches("--- | ---").count(), 2);
        assert!(copy
            .text
            .contains("Method | Description\n[**a**](#a) | x\n"));
    }

    #[test]
    fn subset_keeps_accounts_indexes_and_one_page_per_outline() {
        let section = |dep: bool| {
            let admonition = if dep {
                ":::caution deprecated\nold\n:::\n"
            } else {
                ""
            };
            format!("{admonition}text\n### Parameters\nA | B\n--- | ---\n1 | 2\n```rust\nfn main() {{}}\n```\n")
        };
        let pages = vec![
            page("methods/index.md", "/r/b/methods", "x\n"),
            page(
                "methods/accounts.md",
                "/r/b/methods/accounts",
                &format!("## a\n{}", section(false)),
            ),
            page(
                "methods/bar.md",
                "/r/b/methods/bar",
                &format!("## b\n{}", section(false)),
            ),
            page(
                "methods/foo.md",
                "/r/b/methods/foo",
                &format!("## c\n{}", section(true)),
            ),
            page("models/index.md", "/r/b/models", "x\n"),
            page(
                "models/a.md",
                "/r/b/models/a",
                "The struct `m::models::A`.\n## Properties\n",
            ),
            page(
                "models/b.md",
                "/r/b/models/b",
                "The x `y`.\nThe struct `m::models::B`.\n## Properties\n",
            ),
            page(
                "models/c.md",
                "/r/b/models/c",
                "The enum `m::models::C`.\n## Values\n",
            ),
        ];
        let keep: Vec<String> = select_subset(&pages).into_iter().collect();
        assert_eq!(
            keep,
            [
                "methods/accounts.md",
                "methods/foo.md",
                "methods/index.md",
                "models/a.md",
                "models/c.md",
                "models/index.md"
            ]
        );
    }
}
