//! `cargo xtask docs`: the reference pages of every generated crate as a Docusaurus site, and
//! the browser check of the rendered pages that `cargo xtask test` runs.
//!
//! The pages are copied, unchanged, into a staging folder under `target/` (one folder per
//! version, named by the version segment of the pages' slugs), beside a `sidebars.json` (one
//! sidebar per version: methods and models) and a `site.json` read by
//! `tools/docs-site/docusaurus.config.js`. The pinned Docusaurus in `tools/docs-site/` builds
//! the site with broken links and anchors as errors.
//!
//! The browser check builds a subset instead (see [`select_subset`]): every page template and
//! every kind of method section and model page, the Accounts methods page of each version, and
//! a copy of one Accounts page whose methods table is broken, which the check must reject.

use crate::project_root;
use crate::tools::{ensure_npm_packages, run};
use anyhow::{bail, ensure, Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// What `cargo xtask docs` was asked for.
#[derive(Debug, Default)]
pub struct DocsRequest {
    /// Docs folders to build; empty means every `generated/*/docs/`.
    pub folders: Vec<PathBuf>,
    /// Build the test subset and check it in headless Chromium instead of building everything.
    pub browser_test: bool,
}

pub fn docs(request: &DocsRequest) -> Result<()> {
    let folders = if request.folders.is_empty() {
        generated_docs_folders()?
    } else {
        request.folders.clone()
    };
    let crates = folders
        .iter()
        .map(|folder| CrateDocs::read(folder))
        .collect::<Result<Vec<_>>>()?;
    check_unique_versions(&crates)?;
    if request.browser_test {
        browser_test(&crates)
    } else {
        let root = project_root();
        let pages = stage(
            &crates,
            &root.join("target/docs-staging"),
            &Selection::Everything,
        )?;
        let started = Instant::now();
        build_site(
            &root.join("target/docs-staging"),
            &root.join("target/docs-site"),
        )?;
        eprintln!(
            "built {pages} pages of {} version(s) into target/docs-site/ in {:.0?}",
            crates.len(),
            started.elapsed()
        );
        Ok(())
    }
}

/// Every `generated/*/docs/` folder, in name order.
fn generated_docs_folders() -> Result<Vec<PathBuf>> {
    let generated = project_root().join("generated");
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(&generated).context("reading generated/")? {
        let docs = entry?.path().join("docs");
        if docs.is_dir() {
            folders.push(docs);
        }
    }
    folders.sort();
    ensure!(!folders.is_empty(), "no generated/*/docs/ folder to build");
    Ok(folders)
}

/// The front matter fields the site and the sidebars need.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FrontMatter {
    id: String,
    slug: String,
    title: String,
}

impl FrontMatter {
    /// Reads `key: value` lines between the leading `---` fences.
    fn parse(text: &str) -> Option<FrontMatter> {
        let mut lines = text.lines();
        if lines.next()?.trim_end() != "---" {
            return None;
        }
        let mut fields = BTreeMap::new();
        for line in lines {
            if line.trim_end() == "---" {
                let field = |name: &str| fields.get(name).cloned();
                return Some(FrontMatter {
                    id: field("id")?,
                    slug: field("slug")?,
                    title: field("title").or_else(|| field("sidebar_label"))?,
                });
            }
            if let Some((key, value)) = line.split_once(':') {
                let value = value.trim();
                let value = value
                    .strip_prefix('\'')
                    .and_then(|v| v.strip_suffix('\''))
                    .or_else(|| value.strip_prefix('"').and_then(|v| v.strip_suffix('"')))
                    .unwrap_or(value);
                fields.insert(key.trim().to_string(), value.to_string());
            }
        }
        None
    }
}

/// One Markdown page of a crate's docs folder.
#[derive(Debug, Clone)]
struct Page {
    /// The path inside the docs folder, with `/` separators (`methods/accounts.md`).
    rel: String,
    front: FrontMatter,
    text: String,
}

impl Page {
    fn is_index(&self) -> bool {
        self.rel.rsplit('/').next() == Some("index.md")
    }

    /// The top-level folder of the page (`methods`), or `""` for a page at the root.
    fn section(&self) -> &str {
        self.rel.split_once('/').map_or("", |(first, _)| first)
    }

    /// The page's doc id in the site: its folder in the staging tree, then its front matter id.
    fn doc_id(&self, version: &str) -> String {
        match self.rel.rsplit_once('/') {
            Some((dir, _)) => format!("{version}/{dir}/{}", self.front.id),
            None => format!("{version}/{}", self.front.id),
        }
    }
}

/// The pages of one generated crate.
#[derive(Debug)]
struct CrateDocs {
    folder: PathBuf,
    /// The version segment of the pages' slugs (`beta` in `/tools/sdk/rust/beta/methods`).
    version: String,
    pages: Vec<Page>,
}

impl CrateDocs {
    fn read(folder: &Path) -> Result<CrateDocs> {
        let mut files = Vec::new();
        collect_markdown(folder, folder, &mut files)?;
        files.sort();
        let mut pages = Vec::new();
        for rel in files {
            let path = folder.join(&rel);
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let front = FrontMatter::parse(&text).with_context(|| {
                format!(
                    "{}: no front matter with `id`, `slug` and `title`",
                    path.display()
                )
            })?;
            pages.push(Page { rel, front, text });
        }
        ensure!(!pages.is_empty(), "{}: no Markdown pages", folder.display());
        let fallback = folder
            .parent()
            .and_then(Path::file_name)
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "docs".to_string());
        let version = version_of(pages.iter().map(|p| p.front.slug.as_str()), &fallback);
        Ok(CrateDocs {
            folder: folder.to_path_buf(),
            version,
            pages,
        })
    }
}

fn collect_markdown(base: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect_markdown(base, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "md" || e == "mdx") {
            let rel = path.strip_prefix(base).unwrap_or(&path);
            let parts: Vec<_> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
    Ok(())
}

/// The last segment of the slugs' longest common prefix, made safe for a folder and sidebar
/// name: `/tools/sdk/rust/beta/methods` and `/tools/sdk/rust/beta/models/x` give `beta`.
fn version_of<'a>(slugs: impl Iterator<Item = &'a str>, fallback: &str) -> String {
    let mut common: Option<Vec<&str>> = None;
    for slug in slugs {
        let parts: Vec<&str> = slug.split('/').filter(|s| !s.is_empty()).collect();
        common = Some(match common {
            None => parts[..parts.len().saturating_sub(1)].to_vec(),
            Some(prefix) => prefix
                .iter()
                .zip(&parts)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| *a)
                .collect(),
        });
    }
    let raw = common
        .and_then(|prefix| prefix.last().map(|s| s.to_string()))
        .unwrap_or_else(|| fallback.to_string());
    let safe: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if safe.is_empty() {
        "docs".to_string()
    } else {
        safe
    }
}

fn check_unique_versions(crates: &[CrateDocs]) -> Result<()> {
    let mut seen = BTreeMap::new();
    for c in crates {
        if let Some(other) = seen.insert(c.version.as_str(), &c.folder) {
            bail!(
                "{} and {} both hold version `{}` (their slugs would collide)",
                other.display(),
                c.folder.display(),
                c.version
            );
        }
    }
    Ok(())
}

/// Which pages go into the site.
enum Selection {
    Everything,
    /// The browser test's subset: the pages named per version (by `rel`), links to the others
    /// made plain text, plus a copy of the Accounts page with a broken methods table.
    Subset(BTreeMap<String, BTreeSet<String>>),
}

/// Copies the selected pages into `staging/docs/<version>/`, writes `sidebars.json` and
/// `site.json`, and returns how many pages were staged.
fn stage(crates: &[CrateDocs], staging: &Path, selection: &Selection) -> Result<usize> {
    if staging.exists() {
        std::fs::remove_dir_all(staging)
            .with_context(|| format!("emptying {}", staging.display()))?;
    }
    let mut count = 0;
    let mut sidebars = String::from("{\n");
    let mut versions = Vec::new();
    for (i, c) in crates.iter().enumerate() {
        let pages: Vec<Page> = match selection {
            Selection::Everything => c.pages.clone(),
            Selection::Subset(chosen) => {
                let keep = chosen.get(&c.version).cloned().unwrap_or_default();
                subset_pages(&c.pages, &keep)
            }
        };
        for page in &pages {
            let path = staging.join("docs").join(&c.version).join(&page.rel);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&path, &page.text)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        count += pages.len();
        let comma = if i + 1 < crates.len() { "," } else { "" };
        writeln!(
            sidebars,
            "  {}: {}{comma}",
            json_string(&c.version),
            sidebar(&c.version, &pages)
        )?;
        versions.push(format!(
            "{{\"sidebar\": {0}, \"label\": {0}}}",
            json_string(&c.version)
        ));
    }
    sidebars.push_str("}\n");
    std::fs::write(staging.join("sidebars.json"), sidebars)?;
    std::fs::write(staging.join("docs/index.md"), landing_page(crates))?;
    std::fs::write(
        staging.join("site.json"),
        format!("{{\"versions\": [{}]}}\n", versions.join(", ")),
    )?;
    Ok(count)
}

/// The site's home page (`/`, which the navbar's title links to): each version's index pages.
/// It is the only page that is not a generated one.
fn landing_page(crates: &[CrateDocs]) -> String {
    let mut text = String::from(
        "---\nid: rust-sdk-versions\ntitle: Rust SDK reference\nslug: /\n---\n\n\
         # Rust SDK reference\n\nThe reference pages of each generated crate, by API version.\n\n",
    );
    for c in crates {
        let indexes: Vec<String> = c
            .pages
            .iter()
            .filter(|p| p.is_index())
            .map(|p| format!("[{}]({}/{})", p.front.title, c.version, p.rel))
            .collect();
        let _ = writeln!(text, "- **{}**: {}", c.version, indexes.join(", "));
    }
    text
}

/// One version's sidebar: root pages first, then a category per top-level folder (`methods`,
/// `models`), linked to the folder's index page and listing its other pages by title.
fn sidebar(version: &str, pages: &[Page]) -> String {
    let mut root = Vec::new();
    let mut sections: BTreeMap<&str, (Option<&Page>, Vec<&Page>)> = BTreeMap::new();
    for page in pages
        .iter()
        .filter(|p| !p.front.id.ends_with(BROKEN_SUFFIX))
    {
        match page.section() {
            "" => root.push(page),
            section => {
                let entry = sections.entry(section).or_default();
                if page.is_index() && page.rel == format!("{section}/index.md") {
                    entry.0 = Some(page);
                } else {
                    entry.1.push(page);
                }
            }
        }
    }
    let doc = |p: &Page| {
        format!(
            "{{\"type\": \"doc\", \"id\": {}}}",
            json_string(&p.doc_id(version))
        )
    };
    let mut items: Vec<String> = root.iter().map(|p| doc(p)).collect();
    for (section, (index, mut children)) in sections {
        children.sort_by(|a, b| a.front.title.cmp(&b.front.title).then(a.rel.cmp(&b.rel)));
        let label = index.map(|p| p.front.title.clone()).unwrap_or_else(|| {
            let mut chars = section.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        });
        let link = index
            .map(|p| {
                format!(
                    ", \"link\": {{\"type\": \"doc\", \"id\": {}}}",
                    json_string(&p.doc_id(version))
                )
            })
            .unwrap_or_default();
        let children: Vec<String> = children.iter().map(|p| doc(p)).collect();
        items.push(format!(
            "{{\"type\": \"category\", \"label\": {}, \"collapsed\": false{link}, \"items\": [{}]}}",
            json_string(&label),
            children.join(", ")
        ));
    }
    format!("[{}]", items.join(",\n    "))
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Runs the pinned Docusaurus on a staging folder.
fn build_site(staging: &Path, out: &Path) -> Result<()> {
    let site = project_root().join("tools/docs-site");
    ensure_npm_packages(&site)?;
    let staging = staging.to_string_lossy().into_owned();
    let out = out.to_string_lossy().into_owned();
    run(
        &site,
        "npx",
        &["--no-install", "docusaurus", "build", "--out-dir", &out],
        &[("DOCS_SITE_STAGING", &staging)],
    )
    .context("building the Docusaurus site")
}

// ---- The browser test's subset -------------------------------------------------------------

/// The id and slug suffix of the copy of an Accounts page whose methods table is broken.
const BROKEN_SUFFIX: &str = "-broken-table";

/// The methods page every version's check opens.
const ACCOUNTS: &str = "methods/accounts.md";

/// The structure of a page, or of one section of a methods page: its headings, admonitions,
/// code fences and table delimiter rows, in order. Two sections with the same outline come from
/// the same template path, so the subset needs only one of them.
fn outline(text: &str) -> String {
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
fn is_delimiter_row(line: &str) -> bool {
    let line = line.trim().trim_matches('|');
    line.contains('|')
        && line.split('|').all(|cell| {
            let cell = cell.trim().trim_start_matches(':').trim_end_matches(':');
            !cell.is_empty() && cell.chars().all(|c| c == '-')
        })
}

/// The anchors the methods table links to, in order: the rows of the first table whose header
/// starts with `Method` (a tag's description may hold tables of its own before it).
fn methods_table_anchors(text: &str) -> Vec<String> {
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
fn operation_sections(text: &str) -> Vec<(String, String)> {
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
fn model_outline(page: &Page) -> String {
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
fn select_subset(pages: &[Page]) -> BTreeSet<String> {
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
fn subset_pages(pages: &[Page], keep: &BTreeSet<String>) -> Vec<Page> {
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
fn unlink_outside(page: &Page, keep: &BTreeSet<String>, kept_slugs: &BTreeSet<&str>) -> String {
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
fn resolve(base: &str, link: &str) -> String {
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
fn broken_table_copy(page: &Page) -> Page {
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

/// What the browser check expects of a rendered page, read from its Markdown.
fn expectations(version: &str, page: &Page, screenshot: bool) -> String {
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

fn browser_test(crates: &[CrateDocs]) -> Result<()> {
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
fn run_checker(site: &Path, pages: &Path, screenshots: &Path) -> Result<(bool, String)> {
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
fn ensure_chromium() -> Result<()> {
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

const CHROMIUM: &str = "/usr/bin/chromium";

#[cfg(test)]
mod tests {
    use super::*;

    fn page(rel: &str, slug: &str, body: &str) -> Page {
        let text = format!("---\nid: x-{rel}\ntitle: T {rel}\nslug: {slug}\n---\n{body}");
        Page {
            rel: rel.to_string(),
            front: FrontMatter::parse(&text).unwrap(),
            text,
        }
    }

    #[test]
    fn front_matter_fields() {
        let front = FrontMatter::parse(
            "---\nid: v2025-accounts\ntitle: 'Accounts'\nslug: /tools/sdk/rust/v2025/methods/accounts\n---\n# x\n",
        )
        .unwrap();
        assert_eq!(front.id, "v2025-accounts");
        assert_eq!(front.title, "Accounts");
        assert_eq!(front.slug, "/tools/sdk/rust/v2025/methods/accounts");
        assert_eq!(FrontMatter::parse("# no front matter\n"), None);
    }

    #[test]
    fn version_is_the_slugs_common_last_segment() {
        let slugs = [
            "/tools/sdk/rust/v2025/methods",
            "/tools/sdk/rust/v2025/models/account",
        ];
        assert_eq!(version_of(slugs.into_iter(), "crate"), "v2025");
        // One page: the last segment of its parent.
        assert_eq!(
            version_of(["/tools/sdk/rust/beta/methods"].into_iter(), "crate"),
            "beta"
        );
        assert_eq!(version_of(["/x"].into_iter(), "crate"), "crate");
    }

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
