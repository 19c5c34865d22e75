//! What the docs tests share: the generated pages, and a small reader for the Markdown the
//! pages and the source document are written in (front matter, headings, tables, links).

#![allow(dead_code)] // Each test file uses part of it.

use generator::{generate, Files, Options, Output};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the generator lives in the workspace")
        .to_path_buf()
}

/// The SDK of `spec/`, generated as `cargo xtask generate` does.
pub fn accounts() -> Output {
    let root = workspace();
    let options = Options::new(root.join("spec/openapi.yaml"))
        .with_spec_display("spec/openapi.yaml")
        .with_settings_file(&root.join("spec/openapi.generator.yaml"))
        .unwrap_or_else(|d| panic!("{d}"));
    generate(&options).unwrap_or_else(|e| panic!("{e}"))
}

/// The docs folder of every committed crate (`generated/*/docs`), sorted.
pub fn committed_docs_folders() -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(workspace().join("generated"))
        .expect("generated/")
        .filter_map(|e| e.ok().map(|e| e.path().join("docs")))
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    assert!(folders.len() >= 4, "the version crates' pages are missing");
    folders
}

/// The committed pages of every crate, keyed `<crate>/<path under docs/>`.
pub fn committed_pages() -> BTreeMap<String, String> {
    let mut pages = BTreeMap::new();
    for folder in committed_docs_folders() {
        let krate = folder
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut stack = vec![folder.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("a docs folder") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "md") {
                    let relative = path.strip_prefix(&folder).expect("inside the folder");
                    let text = std::fs::read_to_string(&path).expect("a page");
                    pages.insert(
                        format!("{krate}/{}", relative.to_string_lossy().replace('\\', "/")),
                        text,
                    );
                }
            }
        }
    }
    pages
}

/// The SDK of one fixture, with default options.
pub fn fixture(path: &Path) -> Output {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let options = Options::new(path).with_spec_display(format!("spec/fixtures/{name}"));
    generate(&options).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every fixture description, sorted.
pub fn fixture_specs() -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(workspace().join("spec/fixtures"))
        .expect("spec/fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    specs.sort();
    assert!(!specs.is_empty(), "no fixture under spec/fixtures");
    specs
}

/// The files under `docs/`, by their path inside it.
pub fn docs(files: &Files) -> BTreeMap<String, String> {
    files
        .iter()
        .filter_map(|(path, text)| {
            path.strip_prefix("docs/")
                .map(|p| (p.to_string(), text.clone()))
        })
        .collect()
}

/// The front matter's `key: value` lines and the text after it.
pub fn front_matter(text: &str) -> Option<(BTreeMap<String, String>, &str)> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    let mut keys = BTreeMap::new();
    for line in rest[..end].lines() {
        let (key, value) = line.split_once(':')?;
        keys.insert(key.trim().to_string(), value.trim().to_string());
    }
    Some((keys, &rest[end + 5..]))
}

/// Lines outside fenced code blocks, with their 1-based numbers.
pub fn prose_lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut fence: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match &fence {
            Some(marker) => {
                if trimmed.starts_with(marker.as_str())
                    && trimmed.trim_start_matches(['`', '~']).trim().is_empty()
                {
                    fence = None;
                }
            }
            None if trimmed.starts_with("```") || trimmed.starts_with("~~~") => {
                let c = trimmed.chars().next().unwrap_or('`');
                fence = Some(trimmed.chars().take_while(|x| *x == c).collect());
            }
            None => out.push((i + 1, line)),
        }
    }
    out
}

/// The bodies of the fenced code blocks whose info string starts with `language`.
pub fn code_blocks(text: &str, language: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in text.lines() {
        match &mut current {
            Some(lines) if line.trim() == "```" => {
                blocks.push(lines.join("\n"));
                current = None;
            }
            Some(lines) => lines.push(line),
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    if info.split([' ', ',']).next() == Some(language) {
                        current = Some(Vec::new());
                    }
                }
            }
        }
    }
    blocks
}

/// The cells of a table row, split at `|` that are not escaped.
pub fn cells(line: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut current = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                current.push('\\');
                current.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    cells.push(current);
    let mut cells: Vec<String> = cells.into_iter().map(|c| c.trim().to_string()).collect();
    if cells.first().is_some_and(String::is_empty) && line.trim_start().starts_with('|') {
        cells.remove(0);
    }
    if cells.last().is_some_and(String::is_empty) && line.trim_end().ends_with('|') {
        cells.pop();
    }
    cells
}

/// The rows of the first table after the line `heading`, up to the next heading, each with as
/// many cells as the header has (a row's last cell may be empty).
pub fn table_after(lines: &[&str], heading: &str) -> Option<Vec<Vec<String>>> {
    let start = lines.iter().position(|l| l.trim() == heading)?;
    let mut rows = Vec::new();
    let mut columns = None;
    let mut previous = "";
    for line in &lines[start + 1..] {
        if line.starts_with('#') {
            break;
        }
        let Some(width) = columns else {
            if line.trim_start().starts_with("---") && line.contains('|') {
                columns = Some(cells(previous).len());
            }
            previous = line;
            continue;
        };
        if line.trim().is_empty() || !line.contains('|') {
            break;
        }
        let mut row = cells(line);
        row.resize(width, String::new());
        rows.push(row);
    }
    Some(rows)
}

/// Text as a reader sees it: entities decoded, Markdown escapes removed, whitespace collapsed.
pub fn normalize(text: &str) -> String {
    let decoded = text
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#105;", "i")
        .replace("&#101;", "e")
        .replace("&amp;", "&");
    let mut out = String::with_capacity(decoded.len());
    let mut chars = decoded.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(char::is_ascii_punctuation) {
            continue;
        }
        out.push(c);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The anchors of a page's headings, as the site makes them (GitHub's slugger): lowercase,
/// punctuation dropped, spaces as `-`, a repeated anchor numbered from `-1`.
pub fn anchors(text: &str) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (_, line) in prose_lines(text) {
        let Some(title) = line.strip_prefix('#').map(|t| t.trim_start_matches('#')) else {
            continue;
        };
        if !title.starts_with(' ') {
            continue;
        }
        let plain = link_texts(title.trim()).replace(['*', '`'], "");
        let slug: String = plain
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        let count = seen.entry(slug.clone()).or_insert(0);
        out.push(if *count == 0 {
            slug.clone()
        } else {
            format!("{slug}-{count}")
        });
        *count += 1;
    }
    out
}

/// `[text](url)` → `text`.
fn link_texts(text: &str) -> String {
    let mut out = text.to_string();
    while let Some(open) = out.find('[') {
        let Some(close) = out[open..].find("](").map(|i| open + i) else {
            break;
        };
        let Some(end) = out[close..].find(')').map(|i| close + i) else {
            break;
        };
        out = format!(
            "{}{}{}",
            &out[..open],
            &out[open + 1..close],
            &out[end + 1..]
        );
    }
    out
}

/// The targets of the links of a page, outside code, with their line numbers.
pub fn links(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (number, line) in prose_lines(text) {
        let mut in_code = false;
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '`' => in_code = !in_code,
                ']' if !in_code && chars.get(i + 1) == Some(&'(') => {
                    let mut depth = 0;
                    let mut end = i + 2;
                    while end < chars.len() {
                        match chars[end] {
                            '(' => depth += 1,
                            ')' if depth == 0 => break,
                            ')' => depth -= 1,
                            _ => {}
                        }
                        end += 1;
                    }
                    out.push((number, chars[i + 2..end.min(chars.len())].iter().collect()));
                    i = end;
                }
                _ => {}
            }
            i += 1;
        }
    }
    out
}
