//! The reference pages of the generated crates, read and staged for Docusaurus with their
//! sidebars.

use super::subset::{subset_pages, BROKEN_SUFFIX};
use anyhow::{bail, ensure, Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The front matter fields the site and the sidebars need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FrontMatter {
    pub(super) id: String,
    pub(super) slug: String,
    pub(super) title: String,
}

impl FrontMatter {
    /// Reads `key: value` lines between the leading `---` fences.
    pub(super) fn parse(text: &str) -> Option<FrontMatter> {
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
pub(super) struct Page {
    /// The path inside the docs folder, with `/` separators (`methods/accounts.md`).
    pub(super) rel: String,
    pub(super) front: FrontMatter,
    pub(super) text: String,
}

impl Page {
    pub(super) fn is_index(&self) -> bool {
        self.rel.rsplit('/').next() == Some("index.md")
    }

    /// The top-level folder of the page (`methods`), or `""` for a page at the root.
    pub(super) fn section(&self) -> &str {
        self.rel.split_once('/').map_or("", |(first, _)| first)
    }

    /// The page's doc id in the site: its folder in the staging tree, then its front matter id.
    pub(super) fn doc_id(&self, version: &str) -> String {
        match self.rel.rsplit_once('/') {
            Some((dir, _)) => format!("{version}/{dir}/{}", self.front.id),
            None => format!("{version}/{}", self.front.id),
        }
    }
}

/// The pages of one generated crate.
#[derive(Debug)]
pub(super) struct CrateDocs {
    pub(super) folder: PathBuf,
    /// The version segment of the pages' slugs (`beta` in `/tools/sdk/rust/beta/methods`).
    pub(super) version: String,
    pub(super) pages: Vec<Page>,
}

impl CrateDocs {
    pub(super) fn read(folder: &Path) -> Result<CrateDocs> {
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

pub(super) fn collect_markdown(base: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
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
pub(super) fn version_of<'a>(slugs: impl Iterator<Item = &'a str>, fallback: &str) -> String {
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

pub(super) fn check_unique_versions(crates: &[CrateDocs]) -> Result<()> {
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
pub(super) enum Selection {
    Everything,
    /// The browser test's subset: the pages named per version (by `rel`), links to the others
    /// made plain text, plus a copy of the Accounts page with a broken methods table.
    Subset(BTreeMap<String, BTreeSet<String>>),
}

/// Copies the selected pages into `staging/docs/<version>/`, writes `sidebars.json` and
/// `site.json`, and returns how many pages were staged.
pub(super) fn stage(crates: &[CrateDocs], staging: &Path, selection: &Selection) -> Result<usize> {
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
pub(super) fn landing_page(crates: &[CrateDocs]) -> String {
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
pub(super) fn sidebar(version: &str, pages: &[Page]) -> String {
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

pub(super) fn json_string(s: &str) -> String {
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

/// A page built from its folder-relative path, slug and body, for the tests of every module.
#[cfg(test)]
pub(super) fn test_page(rel: &str, slug: &str, body: &str) -> Page {
    let text = format!("---\nid: x-{rel}\ntitle: T {rel}\nslug: {slug}\n---\n{body}");
    Page {
        rel: rel.to_string(),
        front: FrontMatter::parse(&text).unwrap(),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
