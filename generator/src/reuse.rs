//! Reusing the files a previous run rendered, so that a run where little changed renders
//! little.
//!
//! Rendering (Tera, then `syn` and `prettyplease` for Rust) is most of a run's time, and a run
//! after a small change to a description renders thousands of files exactly as before. A
//! [`Reuse`] remembers, for each file of one output folder, the *key* of what it was rendered
//! from and a hash of the text it became. The key hashes everything a rendered file depends
//! on: the generator's build (the running executable's identity), the options, the template's
//! name, the form (Rust is parsed and printed) and the serialised context. When a run renders a
//! file whose key is the remembered one, and the file in the folder still hashes to the
//! remembered text, the file's text is read back instead of rendered.
//!
//! Rendering is a pure function of the key's inputs, so a reused file is byte for byte what
//! rendering would give; every doubt (another build, a file edited or checked out since, an
//! unreadable or malformed index) means rendering. The index is a cache and nothing else: it
//! never decides what is generated, only how a file's text is obtained.

use crate::output::Files;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hash::{DefaultHasher, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A 128-bit hash: two SipHash-1-3 states over the same bytes, told apart by a first byte, so an
/// accidental equality is a 2⁻¹²⁸ event rather than 2⁻⁶⁴.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digest(u64, u64);

/// Feeds bytes to both halves of a [`Digest`]; a `std::io::Write`, so `serde_json` can
/// serialise a context straight into it.
#[derive(Debug, Clone)]
pub struct Digester(DefaultHasher, DefaultHasher);

impl Default for Digester {
    fn default() -> Self {
        let (mut a, mut b) = (DefaultHasher::new(), DefaultHasher::new());
        a.write_u8(0xa5);
        b.write_u8(0x5a);
        Self(a, b)
    }
}

impl Digester {
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.write(bytes);
        self.1.write(bytes);
        self
    }

    /// A part of a composite key, length-prefixed so that `("ab", "c")` and `("a", "bc")`
    /// differ.
    pub fn part(&mut self, text: &str) -> &mut Self {
        self.bytes(&(text.len() as u64).to_le_bytes())
            .bytes(text.as_bytes())
    }

    pub fn finish(&self) -> Digest {
        Digest(self.0.finish(), self.1.finish())
    }
}

impl io::Write for Digester {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub fn digest(bytes: &[u8]) -> Digest {
    Digester::default().bytes(bytes).finish()
}

impl Digest {
    fn hex(self) -> String {
        format!("{:016x}{:016x}", self.0, self.1)
    }

    fn parse(text: &str) -> Option<Self> {
        if text.len() != 32 || !text.is_ascii() {
            return None;
        }
        let a = u64::from_str_radix(&text[..16], 16).ok()?;
        let b = u64::from_str_radix(&text[16..], 16).ok()?;
        Some(Self(a, b))
    }
}

/// One remembered file: the key it was rendered from and the hash of its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    key: Digest,
    text: Digest,
}

/// The first line of an index, then its format version.
const MAGIC: &str = "sailpoint-generator-reuse 1";

/// The files a previous run rendered into one folder, and the files this run renders.
#[derive(Debug)]
pub struct Reuse {
    /// The output folder the files are read back from; `None` reuses nothing.
    folder: Option<PathBuf>,
    /// Where the index is kept.
    index: Option<PathBuf>,
    /// The part of every key that is not the file's own: the build.
    salt: Digest,
    previous: BTreeMap<String, Entry>,
    /// This run's files by path: the key, and the text's hash when the text was reused.
    current: Mutex<BTreeMap<String, (Digest, Option<Digest>)>>,
}

/// What a run did with the index.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReuseReport {
    pub reused: usize,
    pub rendered: usize,
}

impl Reuse {
    /// Reuses nothing and remembers nothing: every file is rendered.
    pub fn none() -> Self {
        Self {
            folder: None,
            index: None,
            salt: Digest(0, 0),
            previous: BTreeMap::new(),
            current: Mutex::new(BTreeMap::new()),
        }
    }

    /// Files of `folder` as remembered in `index` (a missing, unreadable or malformed index,
    /// or one another build wrote, remembers nothing).
    pub fn open(folder: &Path, index: &Path) -> Self {
        let identity = build_identity();
        let salt = if identity.is_empty() {
            Digest(0, 0)
        } else {
            Digester::default().part(&identity).finish()
        };
        let previous = std::fs::read_to_string(index)
            .ok()
            .and_then(|text| parse_index(&text, salt))
            .unwrap_or_default();
        Self {
            folder: Some(folder.to_path_buf()),
            index: Some(index.to_path_buf()),
            salt,
            previous,
            current: Mutex::new(BTreeMap::new()),
        }
    }

    /// The key of a file rendered from `template` in `form` with `context`.
    pub fn key(&self, template: &str, form: &str, context: &impl serde::Serialize) -> Digest {
        let mut digester = Digester::default();
        digester
            .bytes(&self.salt.0.to_le_bytes())
            .bytes(&self.salt.1.to_le_bytes())
            .part(template)
            .part(form);
        // A context that cannot be serialised fails rendering too, with a located error; a
        // key made of what was written before the failure is never reused (see `obtain`).
        match serde_json::to_writer(&mut digester, context) {
            Ok(()) => digester.finish(),
            Err(_) => Digest(0, 0),
        }
    }

    /// The text of the file at `path`: the folder's copy when it was rendered from the key
    /// `key()` makes and is unchanged since, else `render()`'s. Without an index (`none`) the
    /// key is not even made: serialising every context only to throw the key away is a cost
    /// on every run that does not reuse.
    pub fn obtain(
        &self,
        path: &str,
        key: impl FnOnce() -> Digest,
        render: impl FnOnce() -> Result<String, crate::Error>,
    ) -> Result<String, crate::Error> {
        let Some(folder) = self.index.as_ref().and(self.folder.as_ref()) else {
            return render();
        };
        let key = key();
        let remembered = self.previous.get(path).filter(|e| e.key == key);
        let trusted = key != Digest(0, 0) && self.salt != Digest(0, 0);
        if let (Some(entry), true) = (remembered, trusted) {
            if let Ok(text) = std::fs::read_to_string(folder.join(path)) {
                if digest(text.as_bytes()) == entry.text {
                    self.remember(path, key, Some(entry.text));
                    return Ok(text);
                }
            }
        }
        let text = render()?;
        self.remember(path, key, None);
        Ok(text)
    }

    fn remember(&self, path: &str, key: Digest, text: Option<Digest>) {
        let mut current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        current.insert(path.to_string(), (key, text));
    }

    /// How many of this run's files were read back and how many rendered.
    pub fn report(&self) -> ReuseReport {
        let current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        let reused = current.values().filter(|(_, text)| text.is_some()).count();
        ReuseReport {
            reused,
            rendered: current.len() - reused,
        }
    }

    /// Remembers this run's files, once `files` are in the folder. The index is rewritten only
    /// when it changes, through a temporary file and a rename.
    pub fn save(&self, files: &Files) -> io::Result<()> {
        let Some(index) = &self.index else {
            return Ok(());
        };
        let current = self.current.lock().unwrap_or_else(|e| e.into_inner());
        let mut entries = BTreeMap::new();
        for (path, (key, text)) in current.iter() {
            let Some(written) = files.get(path) else {
                continue;
            };
            let text = text.unwrap_or_else(|| digest(written.as_bytes()));
            entries.insert(path.as_str(), Entry { key: *key, text });
        }
        let unchanged = entries.len() == self.previous.len()
            && entries
                .iter()
                .all(|(path, entry)| self.previous.get(*path) == Some(entry));
        if unchanged {
            return Ok(());
        }
        let mut text = format!("{MAGIC} {}\n", self.salt.hex());
        for (path, entry) in &entries {
            let _ = writeln!(text, "{} {} {path}", entry.key.hex(), entry.text.hex());
        }
        if let Some(parent) = index.parent() {
            std::fs::create_dir_all(parent)?;
        }
        // A temporary file of this process's own: two runs saving at once each rename a whole
        // index, never one made of both.
        let temporary = index.with_extension(format!("tmp-{}", std::process::id()));
        std::fs::write(&temporary, text)?;
        std::fs::rename(&temporary, index)
    }
}

/// The running executable's path, size and modification time: a rebuilt generator (new code,
/// new templates, new dependencies) is another file or the same file made later, so nothing it
/// rendered is taken for this build's output. Empty when it cannot be told, which reuses
/// nothing.
fn build_identity() -> String {
    let Ok(exe) = std::env::current_exe() else {
        return String::new();
    };
    let Ok(meta) = std::fs::metadata(&exe) else {
        return String::new();
    };
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    if modified == 0 {
        return String::new();
    }
    format!("{} {} {modified}", exe.display(), meta.len())
}

/// The entries of an index written with `salt`; `None` for any other text.
fn parse_index(text: &str, salt: Digest) -> Option<BTreeMap<String, Entry>> {
    let mut lines = text.lines();
    let header = lines.next()?;
    let written_salt = header.strip_prefix(MAGIC)?.strip_prefix(' ')?;
    if salt == Digest(0, 0) || Digest::parse(written_salt)? != salt {
        return None;
    }
    let mut entries = BTreeMap::new();
    for line in lines {
        let mut parts = line.splitn(3, ' ');
        let key = Digest::parse(parts.next()?)?;
        let text = Digest::parse(parts.next()?)?;
        let path = parts.next().filter(|p| !p.is_empty())?;
        entries.insert(path.to_string(), Entry { key, text });
    }
    Some(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_differ_with_the_template_the_form_and_the_context() {
        let reuse = Reuse::none();
        let base = reuse.key("a.tera", "text", &serde_json::json!({"x": 1}));
        assert_eq!(
            base,
            reuse.key("a.tera", "text", &serde_json::json!({"x": 1}))
        );
        assert_ne!(
            base,
            reuse.key("b.tera", "text", &serde_json::json!({"x": 1}))
        );
        assert_ne!(
            base,
            reuse.key("a.tera", "rust", &serde_json::json!({"x": 1}))
        );
        assert_ne!(
            base,
            reuse.key("a.tera", "text", &serde_json::json!({"x": 2}))
        );
        // Parts are length-prefixed: moving a boundary changes the key.
        assert_ne!(
            reuse.key("a.ter", "atext", &serde_json::json!(null)),
            reuse.key("a.tera", "text", &serde_json::json!(null))
        );
    }

    #[test]
    fn an_index_is_read_only_with_the_salt_it_was_written_with() {
        let salt = Digester::default().part("build one").finish();
        let entry = Entry {
            key: digest(b"key"),
            text: digest(b"text"),
        };
        let text = format!(
            "{MAGIC} {}\n{} {} src/a b.rs\n",
            salt.hex(),
            entry.key.hex(),
            entry.text.hex()
        );
        let entries = parse_index(&text, salt).expect("the index");
        assert_eq!(entries.get("src/a b.rs"), Some(&entry));
        let other = Digester::default().part("build two").finish();
        assert_eq!(parse_index(&text, other), None);
        assert_eq!(parse_index(&text, Digest(0, 0)), None);
        assert_eq!(parse_index(&text.replace(" src/a b.rs", ""), salt), None);
        assert_eq!(parse_index("", salt), None);
    }

    #[test]
    fn a_remembered_file_that_no_longer_hashes_to_its_text_is_rendered() {
        let dir = tempfile::tempdir().expect("temp dir");
        let index = dir.path().join("reuse.idx");
        std::fs::write(dir.path().join("a.md"), "old").expect("write");
        let reuse = Reuse::open(dir.path(), &index);
        let key = reuse.key("t", "text", &1);
        let first = reuse.obtain("a.md", || key, || Ok("new".to_string()));
        assert_eq!(first.expect("rendered"), "new");
        let mut files = Files::new();
        files.insert("a.md".into(), "new".into());
        std::fs::write(dir.path().join("a.md"), "new").expect("write");
        reuse.save(&files).expect("save");

        let reuse = Reuse::open(dir.path(), &index);
        let again = reuse.obtain(
            "a.md",
            || key,
            || panic!("rendered a file it could read back"),
        );
        assert_eq!(again.expect("read back"), "new");
        std::fs::write(dir.path().join("a.md"), "edited").expect("write");
        let reuse = Reuse::open(dir.path(), &index);
        let edited = reuse.obtain("a.md", || key, || Ok("new".to_string()));
        assert_eq!(edited.expect("rendered"), "new");
        assert_eq!(
            reuse.report(),
            ReuseReport {
                reused: 0,
                rendered: 1
            }
        );
    }
}
