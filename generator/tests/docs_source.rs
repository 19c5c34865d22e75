//! The methods page says what the source document says, section by section: the front matter
//! keys, the API's description and base URL, the operations and their order, and for each
//! operation its deprecation, summary, description, API reference link, parameters (kind,
//! name, required flag, default, description), responses (code, description) and media types.
//! Only the language may differ: Rust types and names in place of Python's.
//!
//! The source is `spec/reference/accounts-api-python-reference.md`, a copy of SailPoint's page.

mod docs_support;

use docs_support::{cells, front_matter, normalize, table_after, workspace};
use std::collections::BTreeMap;

#[derive(Debug, Default, PartialEq)]
struct Page {
    front: BTreeMap<String, String>,
    /// The last segment of the H1 (`AccountsApi`).
    api_type: String,
    description: String,
    base_url: String,
    table: Vec<Vec<String>>,
    sections: Vec<Section>,
}

#[derive(Debug, Default, PartialEq)]
struct Section {
    kebab: String,
    deprecated: bool,
    /// The text of the deprecation admonition.
    caution: String,
    summary: String,
    description: String,
    api_spec: String,
    params: Vec<Param>,
    responses: Vec<(String, String)>,
    content_type: String,
    accept: String,
}

#[derive(Debug, Default, PartialEq)]
struct Param {
    kind: String,
    name: String,
    required: bool,
    default: Option<String>,
    description: String,
}

fn parse(text: &str) -> Page {
    let (front, body) = front_matter(text).expect("front matter");
    let lines: Vec<&str> = body.lines().collect();
    let mut page = Page {
        front,
        ..Page::default()
    };
    let h1 = lines
        .iter()
        .position(|l| l.starts_with("# "))
        .expect("an H1");
    page.api_type = lines[h1][2..]
        .trim()
        .rsplit(['.', ':'])
        .next()
        .unwrap_or_default()
        .to_string();
    let uris = lines
        .iter()
        .position(|l| l.starts_with("All URIs are relative to"))
        .expect("the base URL line");
    page.description = normalize(&lines[h1 + 1..uris].join("\n"));
    page.base_url = lines[uris]
        .trim()
        .trim_start_matches("All URIs are relative to")
        .trim()
        .trim_matches('*')
        .to_string();
    page.table = table_after(&lines, lines[uris])
        .unwrap_or_default()
        .into_iter()
        .map(|row| row.iter().map(|c| normalize(c)).collect())
        .collect();
    let starts: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("## "))
        .collect();
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(lines.len());
        page.sections.push(section(&lines[start..end]));
    }
    page
}

fn section(lines: &[&str]) -> Section {
    let mut s = Section {
        kebab: lines[0][3..].trim().to_string(),
        ..Section::default()
    };
    let mut i = 1;
    if lines.get(i).is_some_and(|l| l.starts_with(":::caution")) {
        s.deprecated = true;
        let close = (i + 1..lines.len())
            .find(|&j| lines[j].trim() == ":::")
            .expect("a closed admonition");
        s.caution = normalize(&lines[i + 1..close].join("\n"));
        i = close + 1;
    }
    while lines.get(i).is_some_and(|l| l.trim().is_empty()) {
        i += 1;
    }
    s.summary = normalize(lines.get(i).copied().unwrap_or_default());
    let spec = (i..lines.len())
        .find(|&j| lines[j].starts_with("[API Spec]"))
        .expect("an API Spec link");
    s.description = normalize(&lines[i + 1..spec].join("\n"));
    s.api_spec = lines[spec].trim().to_string();
    if let Some(rows) = table_after(lines, "### Parameters") {
        for row in rows {
            let [kind, name, _ty, required, description] = <[String; 5]>::try_from(row.clone())
                .unwrap_or_else(|_| panic!("{}: a parameter row of five cells: {row:?}", s.kebab));
            let default = required.split_once("(default to ").map(|(_, rest)| {
                let value = rest
                    .trim_end()
                    .trim_end_matches(')')
                    .trim()
                    .trim_matches('`');
                // Python spells booleans `True`/`False` and quotes strings with `'`.
                let value = match value {
                    "True" => "true",
                    "False" => "false",
                    other => other,
                };
                value.trim_matches(['\'', '"']).to_string()
            });
            s.params.push(Param {
                kind: kind.trim().to_string(),
                name: normalize(&name).trim_start_matches("r#").to_string(),
                required: required.trim().starts_with("True"),
                default,
                description: normalize(&description),
            });
        }
    }
    let rows = table_after(lines, "### Responses")
        .unwrap_or_else(|| panic!("{}: a responses table", s.kebab));
    s.responses = rows
        .iter()
        .map(|row| (row[0].clone(), normalize(&row[1])))
        .collect();
    for line in lines {
        if let Some(value) = line.trim().strip_prefix("- **Content-Type**:") {
            s.content_type = normalize(value);
        }
        if let Some(value) = line.trim().strip_prefix("- **Accept**:") {
            s.accept = normalize(value);
        }
    }
    s
}

/// Every difference between the source page and the generated one, other than the language.
/// `[text](target)` → `[text]()`.
fn without_link_targets(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("](") {
        out.push_str(&rest[..at + 2]);
        rest = &rest[at + 2..];
        rest = rest.find(')').map_or("", |end| &rest[end..]);
    }
    out.push_str(rest);
    out
}

fn differences(source: &Page, ours: &Page, lib_name: &str, ours_h1: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut check = |what: String, theirs: &dyn std::fmt::Debug, mine: &dyn std::fmt::Debug| {
        let (theirs, mine) = (format!("{theirs:?}"), format!("{mine:?}"));
        if theirs != mine {
            out.push(format!(
                "{what}:\n  source:    {theirs}\n  generated: {mine}"
            ));
        }
    };
    let translated: BTreeMap<String, String> = source
        .front
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.replace("python", "rust").replace("Python", "Rust"),
            )
        })
        .collect();
    check("front matter".into(), &translated, &ours.front);
    check("the API type".into(), &source.api_type, &ours.api_type);
    check(
        "the H1".into(),
        &format!("{lib_name}::{}", source.api_type),
        &ours_h1,
    );
    // The vendored description is newer than the one the source page was made from: SailPoint
    // has since moved the help page the Accounts description links to. Link targets are theirs
    // to change; the text and the link texts must match.
    check(
        "the API's description".into(),
        &without_link_targets(&source.description),
        &without_link_targets(&ours.description),
    );
    check("the base URL".into(), &source.base_url, &ours.base_url);
    check("the methods table".into(), &source.table, &ours.table);
    let kebabs = |p: &Page| {
        p.sections
            .iter()
            .map(|s| s.kebab.clone())
            .collect::<Vec<_>>()
    };
    check(
        "the operations, in order".into(),
        &kebabs(source),
        &kebabs(ours),
    );
    for (theirs, mine) in source.sections.iter().zip(&ours.sections) {
        let op = &theirs.kebab;
        check(
            format!("{op}: deprecated"),
            &theirs.deprecated,
            &mine.deprecated,
        );
        check(
            format!(
                "{op}: the admonition holds the source's text {:?}",
                theirs.caution
            ),
            &true,
            &mine.caution.contains(&theirs.caution),
        );
        check(format!("{op}: summary"), &theirs.summary, &mine.summary);
        check(
            format!("{op}: description"),
            &theirs.description,
            &mine.description,
        );
        check(
            format!("{op}: API Spec link"),
            &theirs.api_spec,
            &mine.api_spec,
        );
        check(
            format!("{op}: parameter count"),
            &theirs.params.len(),
            &mine.params.len(),
        );
        for (a, b) in theirs.params.iter().zip(&mine.params) {
            check(format!("{op}: parameter `{}`", a.name), a, b);
        }
        check(
            format!("{op}: responses"),
            &theirs.responses,
            &mine.responses,
        );
        check(
            format!("{op}: Content-Type"),
            &theirs.content_type,
            &mine.content_type,
        );
        check(format!("{op}: Accept"), &theirs.accept, &mine.accept);
    }
    out
}

fn source_page() -> Page {
    let path = workspace().join("spec/reference/accounts-api-python-reference.md");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    parse(&text)
}

/// The committed beta Accounts page, generated from SailPoint's public beta description.
fn generated() -> (String, String) {
    let path = workspace().join("generated/sailpoint-beta/docs/methods/accounts.md");
    let page = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    (page, "sailpoint_beta".to_string())
}

fn h1(text: &str) -> String {
    text.lines()
        .find_map(|l| l.strip_prefix("# "))
        .unwrap_or_default()
        .trim()
        .to_string()
}

#[test]
fn the_methods_page_matches_the_source_document() {
    let source = source_page();
    // The reader found what the source holds, so equal pages are not two empty ones.
    assert_eq!(
        source.sections.len(),
        16,
        "the source document has 16 operations"
    );
    assert_eq!(source.table.len(), 16);
    assert!(source.description.starts_with("Use this API to implement"));
    let list = source
        .sections
        .iter()
        .find(|s| s.kebab == "list-accounts")
        .expect("list-accounts");
    assert_eq!(list.params.len(), 6);
    assert_eq!(list.params[1].default.as_deref(), Some("250"));
    for section in &source.sections {
        assert!(
            !section.summary.is_empty() && !section.description.is_empty(),
            "{}",
            section.kebab
        );
        assert!(section.responses.len() >= 6, "{}", section.kebab);
        assert_eq!(section.accept, "application/json", "{}", section.kebab);
    }
    let (text, lib_name) = generated();
    let ours = parse(&text);
    let differences = differences(&source, &ours, &lib_name, &h1(&text));
    assert!(
        differences.is_empty(),
        "{} difference(s):\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[test]
fn a_changed_flag_description_or_order_is_a_difference() {
    let source = source_page();
    let (text, lib_name) = generated();
    let changed = text
        .replacen(
            "Query | limit | **i32** | (optional) (default to 250)",
            "Query | limit | **i32** | True",
            1,
        )
        .replacen(
            "404 | Not Found - returned",
            "404 | Not found - returned",
            1,
        )
        .replacen("## get-account\n", "## get-account-renamed\n", 1)
        .replacen(
            " - **Content-Type**: application/json-patch+json",
            " - **Content-Type**: application/json",
            1,
        );
    let ours = parse(&changed);
    let found = differences(&source, &ours, &lib_name, &h1(&changed)).join("\n");
    for expected in [
        "get-account-entitlements: parameter `limit`",
        "delete-account: responses",
        "the operations, in order",
        "update-account: Content-Type",
    ] {
        assert!(
            found.contains(expected),
            "`{expected}` was not reported:\n{found}"
        );
    }
}

#[test]
fn the_deprecation_note_carries_the_description_replacement() {
    let (text, _) = generated();
    let ours = parse(&text);
    let root = workspace();
    let settings = generator::WorkspaceSettings::read(&root.join("spec/generator.yaml"), &root)
        .unwrap_or_else(|d| panic!("{d}"));
    let beta = settings
        .crates
        .iter()
        .find(|c| c.options.package_name.as_deref() == Some("sailpoint-beta"))
        .expect("the beta crate");
    let (api, _) = generator::analyze(&beta.options).unwrap_or_else(|e| panic!("{e}"));
    let mut linked = 0;
    for op in api
        .operations
        .iter()
        .filter(|op| api.tags[op.tag].name.wire == "Accounts")
    {
        let section = ours
            .sections
            .iter()
            .find(|s| s.kebab == op.kebab)
            .expect("a section per operation");
        match op.deprecated.as_ref().and_then(|d| d.note.as_deref()) {
            Some(note) => {
                assert!(
                    section.caution.contains(&normalize(note)),
                    "{}: {:?}",
                    op.kebab,
                    section.caution
                );
                // The note's v2025 page is also named as the Rust method that replaces it.
                if note.contains("/docs/api/v2025/") {
                    assert!(
                        section.caution.contains("In Rust, use [`sailpoint_v2025::"),
                        "{}: {:?}",
                        op.kebab,
                        section.caution
                    );
                    linked += 1;
                }
            }
            None => assert_eq!(section.deprecated, op.deprecated.is_some(), "{}", op.kebab),
        }
    }
    assert!(linked >= 10, "only {linked} deprecations link to v2025");
}

#[test]
fn the_reader_splits_rows_at_unescaped_pipes() {
    assert_eq!(cells("a | b \\| c | `d` |"), ["a", "b \\| c", "`d`"]);
}
