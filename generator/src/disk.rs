//! Writing generated files to a folder, and checking that a folder is current.
//!
//! The pipeline (`generate`) never writes; the two front ends (the `generator` binary and
//! `cargo xtask generate`) call this module once generation has succeeded, so a failed run
//! leaves the output folder exactly as it was.

use crate::output::{Files, COMMAND, MARKER};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Files that may stand in the output folder without being generated.
pub const HAND_WRITTEN: &[&str] = &[];

/// What differs between the folder and the generated files.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Drift {
    pub stale: Vec<String>,
    pub missing: Vec<String>,
    pub orphaned: Vec<String>,
}

impl Drift {
    pub fn is_empty(&self) -> bool {
        self.stale.is_empty() && self.missing.is_empty() && self.orphaned.is_empty()
    }
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for path in &self.stale {
            writeln!(f, "stale: {path}")?;
        }
        for path in &self.missing {
            writeln!(f, "missing: {path}")?;
        }
        for path in &self.orphaned {
            writeln!(f, "orphaned (not generated): {path}")?;
        }
        write!(f, "run `{COMMAND}` and commit the result")
    }
}

/// Compares `out` with `files`, ignoring `\r\n` versus `\n`.
pub fn check(out: &Path, files: &Files) -> io::Result<Drift> {
    let mut drift = Drift::default();
    for (path, expected) in files {
        match std::fs::read_to_string(out.join(path)) {
            Ok(actual) if normalize_newlines(&actual) == normalize_newlines(expected) => {}
            Ok(_) => drift.stale.push(path.clone()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => drift.missing.push(path.clone()),
            Err(e) => return Err(e),
        }
    }
    for path in existing_files(out)? {
        if !files.contains_key(&path) && !HAND_WRITTEN.contains(&path.as_str()) && !ignored(&path) {
            drift.orphaned.push(path);
        }
    }
    Ok(drift)
}

/// Build products are not part of the generated tree: a `target` folder or a `Cargo.lock` at
/// the top or in a crate's folder (the output may hold several crates).
fn ignored(path: &str) -> bool {
    let mut parts = path.split('/');
    let first = parts.next().unwrap_or_default();
    let second = parts.next();
    first == "target"
        || path == "Cargo.lock"
        || second == Some("target")
        || (second == Some("Cargo.lock") && parts.next().is_none())
}

fn normalize_newlines(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// Writes `files` under `out`: changed files are replaced through a temporary file and a
/// rename, and generated files that are no longer produced are removed. Files that do not
/// carry the generated marker are never removed.
pub fn write(out: &Path, files: &Files) -> io::Result<WriteReport> {
    let mut report = WriteReport::default();
    // Every file's folder exists once the run is done, so all are made up front, each once,
    // and the threads below only read, create and rename files.
    let folders: std::collections::BTreeSet<&Path> = files
        .keys()
        .filter_map(|path| Path::new(path).parent())
        .collect();
    for folder in folders {
        std::fs::create_dir_all(out.join(folder))?;
    }
    // Creating a file is kernel work that runs on every core: the files are split between
    // threads, each doing exactly what one thread would do with its share.
    let all: Vec<(&String, &String)> = files.iter().collect();
    let shares = crate::parallel::by_shares(&all, |share| write_share(out, share));
    for share in shares {
        let share = share.unwrap_or_else(|| Err(io::Error::other("a writing thread panicked")))?;
        report.written += share.written;
        report.unchanged += share.unchanged;
    }
    for path in existing_files(out)? {
        if files.contains_key(&path) || ignored(&path) {
            continue;
        }
        let full = out.join(&path);
        let generated = std::fs::read_to_string(&full).is_ok_and(|t| is_generated(&t));
        if generated {
            std::fs::remove_file(&full)?;
            report.removed += 1;
        }
    }
    remove_empty_dirs(out)?;
    Ok(report)
}

/// Writes each of `files` whose text differs from the folder's, through a temporary file and a
/// rename, so no reader ever sees half a file.
fn write_share(out: &Path, files: &[(&String, &String)]) -> io::Result<WriteReport> {
    let mut report = WriteReport::default();
    for (path, text) in files {
        let target = out.join(path);
        if std::fs::read(&target).is_ok_and(|current| current == text.as_bytes()) {
            report.unchanged += 1;
            continue;
        }
        let temporary = temporary_path(&target);
        std::fs::write(&temporary, text)?;
        std::fs::rename(&temporary, &target)?;
        report.written += 1;
    }
    Ok(report)
}

/// Whether a file carries the generated marker: on its first line, or on the first line after
/// the front matter of a docs page (front matter must come first there).
fn is_generated(text: &str) -> bool {
    let mut lines = text.lines();
    match lines.next() {
        Some(first) if first.contains(MARKER) => true,
        Some("---") => {
            lines.by_ref().find(|l| *l == "---").is_some()
                && lines.next().is_some_and(|l| l.contains(MARKER))
        }
        _ => false,
    }
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct WriteReport {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

fn temporary_path(target: &Path) -> PathBuf {
    let mut name = target
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".tmp-generate");
    target.with_file_name(name)
}

/// Every file below `dir`, relative and with `/` separators, sorted; none when it is absent.
fn existing_files(dir: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current)? {
            let entry = entry?;
            let path = entry.path();
            let relative = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            if entry.file_type()?.is_dir() {
                if !ignored(&format!("{relative}/")) {
                    stack.push(path);
                }
            } else {
                out.push(relative);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn remove_empty_dirs(dir: &Path) -> io::Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() && path.file_name().is_some_and(|n| n != "target") {
            remove_empty_dirs(&path)?;
            if std::fs::read_dir(&path)?.next().is_none() {
                std::fs::remove_dir(&path)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_generated;

    #[test]
    fn the_marker_is_found_on_the_first_line_or_after_front_matter() {
        assert!(is_generated(
            "// @generated by `cargo xtask generate` from s. Do not edit.\nfn f() {}\n"
        ));
        assert!(is_generated("---\nid: x\n---\n{/* @generated by `cargo xtask generate` from s. Do not edit. */}\n# X\n"));
        assert!(!is_generated("---\nid: x\n---\n# Hand-written\n"));
        assert!(!is_generated(
            "# Hand-written\n@generated by `cargo xtask generate` later on\n"
        ));
        assert!(!is_generated(""));
    }
}
