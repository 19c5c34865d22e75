//! Stage 1: read the root description and every file its `$ref`s reach.
//!
//! Files are parsed into `serde_json::Value` (YAML through `serde_yaml`) and kept with their
//! text, so that any later finding can be located by line. References are checked here once:
//! a remote reference or one that leaves the description's folder is refused, since the
//! generator does no network I/O and reads nothing outside the folder it was given.

mod numbers;
mod refs;

use refs::collect_refs;

use crate::diagnostics::{Diagnostics, Location};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One file of the description.
#[derive(Debug)]
pub struct Source {
    pub text: String,
    pub value: Value,
}

/// Every file of the description, keyed by its path relative to the root's folder
/// (always with `/` separators).
#[derive(Debug)]
pub struct Sources {
    pub root_dir: PathBuf,
    /// Key of the root description.
    pub root: String,
    pub files: BTreeMap<String, Source>,
}

/// A place in the description: a file and a JSON pointer inside it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    pub file: String,
    pub pointer: String,
}

impl Place {
    pub fn new(file: impl Into<String>, pointer: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            pointer: pointer.into(),
        }
    }

    /// The place of a child member.
    pub fn join(&self, segment: &str) -> Place {
        let escaped = segment.replace('~', "~0").replace('/', "~1");
        Place {
            file: self.file.clone(),
            pointer: format!("{}/{}", self.pointer, escaped),
        }
    }

    pub fn index(&self, i: usize) -> Place {
        self.join(&i.to_string())
    }

    pub fn location(&self) -> Location {
        Location::new(self.file.clone(), self.pointer.clone())
    }

    /// The last segment of the pointer, unescaped, or the file stem for a whole file.
    pub fn last_name(&self) -> String {
        match self.pointer.rsplit('/').next() {
            Some(segment) if !self.pointer.is_empty() => {
                segment.replace("~1", "/").replace("~0", "~")
            }
            _ => file_stem(&self.file).to_string(),
        }
    }
}

fn file_stem(file: &str) -> &str {
    let name = file.rsplit('/').next().unwrap_or(file);
    name.split('.').next().unwrap_or(name)
}

/// Reads `root` and every file it references. Problems are added to `diags`; `None` means the
/// description could not be read at all.
pub fn load(root: &Path, diags: &mut Diagnostics) -> Option<Sources> {
    let root_name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| root.display().to_string());
    let root_dir = match root.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let read_dir = root_dir.clone();
    load_with(
        root_name,
        root_dir,
        |key| std::fs::read(read_dir.join(key)),
        diags,
    )
}

/// Reads a one-file description held in memory (for fuzzing and tools); a reference to any
/// other file is reported as unreadable.
pub fn load_memory(name: &str, bytes: &[u8], diags: &mut Diagnostics) -> Option<Sources> {
    load_with(
        name.to_string(),
        PathBuf::from("."),
        |key| {
            if key == name {
                Ok(bytes.to_vec())
            } else {
                Err(std::io::Error::new(
                    std::io::ErrorKind::NotFound,
                    "only one file is in memory",
                ))
            }
        },
        diags,
    )
}

fn load_with(
    root_name: String,
    root_dir: PathBuf,
    read: impl Fn(&str) -> std::io::Result<Vec<u8>> + Sync,
    diags: &mut Diagnostics,
) -> Option<Sources> {
    let mut sources = Sources {
        root_dir,
        root: root_name.clone(),
        files: BTreeMap::new(),
    };
    // Breadth first, a level at a time: the files of one level are read and parsed on every
    // core, then taken in order, so files, findings and the next level come out as a queue
    // worked one file at a time would give them. Each file remembers the reference that asked
    // for it, for error locations.
    let mut level: Vec<(String, Option<Place>)> = vec![(root_name, None)];
    let mut queued = BTreeSet::from([level[0].0.clone()]);
    while !level.is_empty() {
        let loaded = crate::parallel::map(&level, |(key, referrer)| {
            let mut found = Diagnostics::default();
            let source = read_source(key, read(key), referrer.as_ref(), &mut found);
            let mut refs = Vec::new();
            if let Some(source) = &source {
                collect_refs(&source.value, &Place::new(key.clone(), ""), &mut refs);
            }
            (source, refs, found)
        });
        let mut next = Vec::new();
        for ((key, _), loaded) in level.into_iter().zip(loaded) {
            let Some((source, refs, found)) = loaded else {
                diags.error(
                    Location::new(&key, ""),
                    "reading this file failed unexpectedly (a panic in the YAML parser)",
                );
                continue;
            };
            diags.extend(found);
            let Some(source) = source else { continue };
            for (place, reference) in refs {
                match split_reference(&key, &reference) {
                    Ok((file, _)) if file != key => {
                        if queued.insert(file.clone()) {
                            next.push((file, Some(place)));
                        }
                    }
                    Ok(_) => {}
                    Err(message) => diags.error(place.location(), message),
                }
            }
            sources.files.insert(key, source);
        }
        level = next;
    }
    if sources.files.contains_key(&sources.root) {
        Some(sources)
    } else {
        None
    }
}

fn read_source(
    key: &str,
    bytes: std::io::Result<Vec<u8>>,
    referrer: Option<&Place>,
    diags: &mut Diagnostics,
) -> Option<Source> {
    let here = Location::new(key, "");
    let blame = referrer
        .map(Place::location)
        .unwrap_or_else(|| here.clone());
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(e) => {
            let what = if referrer.is_some() {
                format!("`$ref` to `{key}`, which cannot be read: {e}")
            } else {
                format!("cannot read the description `{key}`: {e}")
            };
            diags.error(blame, what);
            return None;
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        diags.error(here, "the file is not UTF-8 text (binary data?)");
        return None;
    };
    if text.trim().is_empty() {
        diags.error(here, "the file is empty");
        return None;
    }
    let parsed = if key.ends_with(".json") {
        serde_json::from_str::<Value>(&text)
            .map(|value| (value, Vec::new()))
            .map_err(|e| (e.to_string(), Some(e.line())))
    } else {
        numbers::from_yaml(&text).map_err(|e| (e.to_string(), e.location().map(|l| l.line())))
    };
    match parsed {
        Ok((mut value, wide)) => {
            for number in wide {
                settle_wide_number(key, &mut value, number, diags);
            }
            Some(Source { text, value })
        }
        Err((message, line)) => {
            let kind = if key.ends_with(".json") {
                "JSON"
            } else {
                "YAML"
            };
            let mut location = here;
            location.line = line;
            diags.error(location, format!("invalid {kind}: {message}"));
            None
        }
    }
}

/// A number beyond 64 bits, read as text: dropped from a keyword that only constrains values,
/// kept as text anywhere else; a located warning either way.
fn settle_wide_number(
    key: &str,
    value: &mut Value,
    number: numbers::WideNumber,
    diags: &mut Diagnostics,
) {
    let here = Location::new(key, number.pointer.clone());
    let (parent, last) = number
        .pointer
        .rsplit_once('/')
        .unwrap_or(("", number.pointer.as_str()));
    let constraint = numbers::CONSTRAINT_KEYWORDS.contains(&last);
    let parent = value.pointer_mut(parent).and_then(Value::as_object_mut);
    match parent {
        Some(map) if constraint => {
            map.remove(last);
            diags.warn(
                here,
                format!("the number {} does not fit in 64 bits", number.text),
                format!("the `{last}` constraint is dropped"),
            );
        }
        _ => diags.warn(
            here,
            format!("the number {} does not fit in 64 bits", number.text),
            "kept as text",
        ),
    }
}

/// Splits a reference found in `from` into the target file key and the JSON pointer.
pub fn split_reference(from: &str, reference: &str) -> Result<(String, String), String> {
    let (file_part, pointer) = match reference.split_once('#') {
        Some((file, pointer)) => (file, pointer.to_string()),
        None => (reference, String::new()),
    };
    if file_part.contains("://") || file_part.starts_with("//") {
        return Err(format!(
            "remote `$ref` `{reference}` refused: the generator does no network I/O"
        ));
    }
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Err(format!(
            "`$ref` `{reference}` has a fragment that is not a JSON pointer"
        ));
    }
    let pointer = percent_decode(&pointer);
    if file_part.is_empty() {
        return Ok((from.to_string(), pointer));
    }
    if file_part.starts_with('/') {
        return Err(format!(
            "`$ref` `{reference}` is an absolute path; references must be relative to the file"
        ));
    }
    let mut segments: Vec<&str> = from.split('/').collect();
    segments.pop();
    for part in file_part.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if segments.pop().is_none() {
                    return Err(format!(
                        "`$ref` `{reference}` leaves the description's folder; refused"
                    ));
                }
            }
            other => segments.push(other),
        }
    }
    Ok((segments.join("/"), pointer))
}

/// JSON pointers in URI fragments may be percent-encoded (`%7B` for `{`).
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| {
            std::str::from_utf8(h)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        });
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Sources {
    /// The value at a place, if there is one.
    pub fn get(&self, place: &Place) -> Option<&Value> {
        self.files.get(&place.file)?.value.pointer(&place.pointer)
    }

    /// Follows `$ref` chains from `place` to the node they end at. Errors name the first
    /// reference that cannot be followed; a chain that returns to itself is a cycle.
    pub fn resolve(&self, place: &Place) -> Result<(Place, &Value), (Place, String)> {
        let mut current = place.clone();
        let mut seen = Vec::new();
        loop {
            let value = self
                .get(&current)
                .ok_or_else(|| (current.clone(), "nothing at this place".to_string()))?;
            let Some(reference) = value.get("$ref") else {
                return Ok((current, value));
            };
            let here = current.join("$ref");
            let Some(reference) = reference.as_str() else {
                return Err((here, "`$ref` is not a string".to_string()));
            };
            let (file, pointer) =
                split_reference(&current.file, reference).map_err(|m| (here.clone(), m))?;
            if !self.files.contains_key(&file) {
                return Err((
                    here,
                    format!("`$ref` `{reference}` names a file that was not loaded"),
                ));
            }
            let target = Place::new(file, pointer);
            if self.get(&target).is_none() {
                return Err((
                    here,
                    format!(
                        "unresolved `$ref` `{reference}`: nothing at `#{}` in `{}`",
                        target.pointer, target.file
                    ),
                ));
            }
            if seen.contains(&target) || target == *place {
                return Err((here, format!("`$ref` `{reference}` is part of a reference cycle that never reaches a definition")));
            }
            seen.push(current);
            current = target;
        }
    }

    /// The 1-based line of a place, found by re-reading the file's text (only done for
    /// diagnostics, so the common path pays nothing for it).
    pub fn line_of(&self, file: &str, pointer: &str) -> Option<usize> {
        let source = self.files.get(file)?;
        crate::locate::line_of(&source.text, pointer)
    }

    /// Fills in the line of every diagnostic whose file was read.
    pub fn locate_all(&self, diags: &mut Diagnostics) {
        for item in &mut diags.items {
            if item.location.line.is_none() {
                item.location.line = self.line_of(&item.location.file, &item.location.pointer);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_split_relative_to_their_file() {
        let r = split_reference("beta/paths/a.yaml", "../schemas/A.yaml").unwrap();
        assert_eq!(r, ("beta/schemas/A.yaml".to_string(), String::new()));
        let r =
            split_reference("beta/paths/a.yaml", "../../v3/x.yaml#/components/schemas/X").unwrap();
        assert_eq!(
            r,
            ("v3/x.yaml".to_string(), "/components/schemas/X".to_string())
        );
        let r = split_reference("root.yaml", "#/components/schemas/A%20B").unwrap();
        assert_eq!(
            r,
            (
                "root.yaml".to_string(),
                "/components/schemas/A B".to_string()
            )
        );
    }

    #[test]
    fn escaping_and_remote_references_are_refused() {
        assert!(split_reference("a.yaml", "../outside.yaml")
            .unwrap_err()
            .contains("leaves"));
        assert!(split_reference("a.yaml", "https://example.com/x.yaml")
            .unwrap_err()
            .contains("remote"));
        assert!(split_reference("a.yaml", "//example.com/x.yaml")
            .unwrap_err()
            .contains("remote"));
        assert!(split_reference("a.yaml", "/etc/passwd")
            .unwrap_err()
            .contains("absolute"));
    }

    #[test]
    fn place_names() {
        let p = Place::new("schemas/Account.yaml", "");
        assert_eq!(p.last_name(), "Account");
        let p = Place::new("root.yaml", "/components/schemas/a~1b");
        assert_eq!(p.last_name(), "a/b");
        assert_eq!(p.join("x/y").pointer, "/components/schemas/a~1b/x~1y");
    }
}
