//! `cargo xtask vendor-spec --from DIR`: copies SailPoint's descriptions into `spec/`.
//!
//! The roots are the ones `spec/generator.yaml` lists; what is copied is exactly the files their
//! `$ref`s reach (read the way the generator reads them), plus the licence. A root that cannot
//! be read whole stops the command before anything in the project changes.

use crate::project_root;
use anyhow::{bail, Context, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The files of the vendored folder that are ours, not SailPoint's.
const OWN_FILES: &[&str] = &["README.md"];

pub fn vendor_spec(from: &Path) -> Result<()> {
    let root = project_root();
    let (folder, roots) = configured_roots(&root)?;
    let closure = closure(from, &roots)?;
    let licence = ["LICENSE", "../LICENSE"]
        .iter()
        .map(|l| from.join(l))
        .find(|p| p.is_file())
        .with_context(|| format!("no LICENSE in {} or its parent", from.display()))?;
    replace_folder(&folder, from, &closure, &licence)?;
    eprintln!(
        "copied {} file(s) reached by {} root(s) into {}; now run `cargo xtask generate`",
        closure.len(),
        roots.len(),
        folder.display()
    );
    Ok(())
}

/// The vendored folder and the roots' file names in it, from the crates' settings. Every root
/// must live in one folder, so that one copy keeps their relative `$ref`s valid.
pub(crate) fn configured_roots(root: &Path) -> Result<(PathBuf, Vec<String>)> {
    let settings = generator::WorkspaceSettings::read(&root.join("spec/generator.yaml"), root)
        .map_err(|d| anyhow::anyhow!("{d}"))?;
    let mut folder: Option<PathBuf> = None;
    let mut names = Vec::new();
    for c in &settings.crates {
        let spec = &c.options.spec;
        let parent = spec.parent().map(Path::to_path_buf).unwrap_or_default();
        match &folder {
            Some(f) if *f != parent => bail!(
                "the roots of spec/generator.yaml are in different folders ({} and {})",
                f.display(),
                parent.display()
            ),
            _ => folder = Some(parent),
        }
        names.push(
            spec.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .context("a root without a file name")?,
        );
    }
    Ok((
        folder.context("spec/generator.yaml lists no crates")?,
        names,
    ))
}

/// Every file (relative to `dir`) that the roots in `dir` reach, roots included. Besides what
/// the generator follows, a `$ref` the generator reads as data (inside an `example`, where
/// SailPoint points at example files such as `campaign/examples/CampaignTemplates.yaml`) is
/// followed when it names a file that exists, so the examples the descriptions show are kept.
pub(crate) fn closure(dir: &Path, roots: &[String]) -> Result<BTreeSet<String>> {
    let mut files = BTreeSet::new();
    let mut values = Vec::new();
    for name in roots {
        let mut diags = generator::Diagnostics::default();
        let sources = generator::load::load(&dir.join(name), &mut diags);
        match sources {
            Some(sources) if !diags.has_errors() => {
                for (key, source) in sources.files {
                    if files.insert(key.clone()) {
                        values.push((key, source.value));
                    }
                }
            }
            _ => bail!("cannot read {} whole:\n{diags}", dir.join(name).display()),
        }
    }
    while let Some((key, value)) = values.pop() {
        let mut refs = Vec::new();
        file_refs(&value, &mut refs);
        for reference in refs {
            // The loader's own resolution: relative to the referring file, never leaving the
            // description's folder.
            let Ok((target, _)) = generator::load::split_reference(&key, reference) else {
                continue;
            };
            if files.contains(&target) || !dir.join(&target).is_file() {
                continue;
            }
            let text = std::fs::read_to_string(dir.join(&target))?;
            let parsed: serde_json::Value =
                serde_yaml::from_str(&text).with_context(|| format!("{target} is not YAML"))?;
            files.insert(target.clone());
            values.push((target, parsed));
        }
    }
    Ok(files)
}

/// The file part of every `$ref` string in `value`, wherever it is.
fn file_refs<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(r)) = map.get("$ref") {
                let file = r.split('#').next().unwrap_or_default();
                if !file.is_empty() && !file.contains("://") {
                    out.push(file);
                }
            }
            map.values().for_each(|v| file_refs(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| file_refs(v, out)),
        _ => {}
    }
}

/// Replaces SailPoint's files in `folder` with `files` from `from`, keeping our own files.
fn replace_folder(
    folder: &Path,
    from: &Path,
    files: &BTreeSet<String>,
    licence: &Path,
) -> Result<()> {
    if folder.exists() {
        for entry in std::fs::read_dir(folder)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if OWN_FILES.contains(&name.as_str()) {
                continue;
            }
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            }
            .with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    for file in files {
        let target = folder.join(file);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::copy(from.join(file), &target).with_context(|| format!("cannot copy {file}"))?;
    }
    std::fs::copy(licence, folder.join("LICENSE")).context("cannot copy the licence")?;
    Ok(())
}

/// The files of `folder`, relative to it.
#[cfg(test)]
fn files_in(folder: &Path) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let mut stack = vec![folder.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                stack.push(entry.path());
            } else if let Ok(relative) = entry.path().strip_prefix(folder) {
                out.insert(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vendored folder holds exactly what the roots reach, the licence and our README:
    /// nothing stale is left behind and nothing is missing.
    #[test]
    fn the_vendored_folder_is_exactly_the_closure_of_the_roots() {
        let (folder, roots) = configured_roots(&project_root()).unwrap();
        let mut expected = closure(&folder, &roots).unwrap();
        expected.insert("LICENSE".into());
        expected.extend(OWN_FILES.iter().map(|f| f.to_string()));
        let actual = files_in(&folder).unwrap();
        let extra: Vec<_> = actual.difference(&expected).collect();
        let missing: Vec<_> = expected.difference(&actual).collect();
        assert!(
            extra.is_empty() && missing.is_empty(),
            "extra: {extra:?}\nmissing: {missing:?}"
        );
        assert_eq!(roots.len(), 4);
    }

    /// Vendoring from a copy with an unreferenced file and no README copies the closure only.
    #[test]
    fn vendoring_copies_the_closure_and_nothing_else() {
        let source = tempfile::tempdir().unwrap();
        let target = tempfile::tempdir().unwrap();
        std::fs::write(source.path().join("LICENSE"), "MIT").unwrap();
        std::fs::write(
            source.path().join("root.yaml"),
            "openapi: 3.0.1\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    $ref: './paths/a.yaml'\n",
        )
        .unwrap();
        std::fs::create_dir_all(source.path().join("paths")).unwrap();
        std::fs::write(
            source.path().join("paths/a.yaml"),
            "get:\n  responses:\n    '200':\n      description: ok\n",
        )
        .unwrap();
        std::fs::write(source.path().join("paths/unused.yaml"), "x: 1\n").unwrap();
        std::fs::write(target.path().join("README.md"), "ours").unwrap();
        std::fs::write(target.path().join("stale.yaml"), "old").unwrap();
        let files = closure(source.path(), &["root.yaml".to_string()]).unwrap();
        replace_folder(
            target.path(),
            source.path(),
            &files,
            &source.path().join("LICENSE"),
        )
        .unwrap();
        let got: Vec<String> = files_in(target.path()).unwrap().into_iter().collect();
        assert_eq!(got, ["LICENSE", "README.md", "paths/a.yaml", "root.yaml"]);
    }
}
