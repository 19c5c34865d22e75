//! Synthetic descriptions N times the size of a real one, for measuring how generation cost
//! grows. Copy `k` of the description renames everything that must stay unique: each file
//! (`Account.yaml` → `AccountC3.yaml`, so schema names from file stems differ), each path
//! (`/accounts` → `/c3/accounts`), operation id, tag, component and webhook name. The copies
//! share the root's `info`, `servers`, `security` and security schemes, so N copies are N times
//! the operations, models and files, and nothing collides.

use generator::Diagnostics;
use serde_json::{Map, Value};
use std::path::Path;

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub bytes: usize,
    pub paths: usize,
}

/// Writes `copies` renamed copies of the description rooted at `spec` into `out`, whose root
/// file keeps the original's name. The description must be readable by the generator.
pub fn write_scaled(spec: &Path, copies: usize, out: &Path) -> Result<Summary, String> {
    let mut diags = Diagnostics::default();
    let sources = generator::load::load(spec, &mut diags)
        .filter(|_| !diags.has_errors())
        .ok_or_else(|| format!("cannot load {}: {diags:?}", spec.display()))?;
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| format!("cannot clear {}: {e}", out.display()))?;
    }
    let mut summary = Summary {
        files: 0,
        bytes: 0,
        paths: 0,
    };
    let mut write = |key: &str, value: &Value| -> Result<(), String> {
        let path = out.join(key);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let text = if key.ends_with(".json") {
            serde_json::to_string_pretty(value).map_err(|e| e.to_string())?
        } else {
            serde_yaml::to_string(value).map_err(|e| e.to_string())?
        };
        std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
        summary.files += 1;
        summary.bytes += text.len();
        Ok(())
    };

    let root = &sources.files[&sources.root].value;
    let mut merged = root.clone();
    let mut tags = Vec::new();
    let mut paths = Map::new();
    let mut components: Map<String, Value> = Map::new();
    let mut webhooks: std::collections::BTreeMap<String, Map<String, Value>> = Default::default();
    for k in 0..copies {
        let suffix = format!("C{k}");
        for (key, source) in &sources.files {
            if *key != sources.root {
                write(&rename_file(key, &suffix), &rewrite(&source.value, &suffix))?;
            }
        }
        let copy = rewrite(root, &suffix);
        if let Some(Value::Array(items)) = copy.get("tags") {
            for tag in items {
                let mut tag = tag.clone();
                if let Some(Value::String(name)) = tag.get_mut("name") {
                    name.push_str(&tag_suffix(&suffix));
                }
                tags.push(tag);
            }
        }
        if let Some(Value::Object(items)) = copy.get("paths") {
            for (path, item) in items {
                paths.insert(format!("/c{k}{path}"), item.clone());
            }
        }
        if let Some(Value::Object(sections)) = copy.get("components") {
            for (section, items) in sections {
                let merged_section = components
                    .entry(section.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                let (Value::Object(items), Value::Object(target)) = (items, merged_section) else {
                    continue;
                };
                for (name, item) in items {
                    let name = if section == "securitySchemes" {
                        name.clone()
                    } else {
                        format!("{name}{suffix}")
                    };
                    target.insert(name, item.clone());
                }
            }
        }
        for section in ["webhooks", "x-webhooks"] {
            if let Some(Value::Object(items)) = copy.get(section) {
                let target = webhooks.entry(section.to_string()).or_default();
                for (name, item) in items {
                    target.insert(format!("{name}{suffix}"), item.clone());
                }
            }
        }
    }
    summary.paths = paths.len();
    if let Value::Object(root) = &mut merged {
        if root.contains_key("tags") {
            root.insert("tags".into(), Value::Array(tags));
        }
        root.insert("paths".into(), Value::Object(paths));
        if root.contains_key("components") {
            root.insert("components".into(), Value::Object(components));
        }
        for (section, items) in webhooks {
            root.insert(section, Value::Object(items));
        }
    }
    write(&sources.root, &merged)?;
    Ok(summary)
}

/// `beta/schemas/Account.yaml` → `beta/schemas/AccountC3.yaml`: the suffix goes before the
/// first dot, since schema names come from the part before it.
fn rename_file(key: &str, suffix: &str) -> String {
    let (dir, name) = key.rsplit_once('/').map_or(("", key), |(d, n)| (d, n));
    let name = match name.split_once('.') {
        Some((stem, ext)) => format!("{stem}{suffix}.{ext}"),
        None => format!("{name}{suffix}"),
    };
    if dir.is_empty() {
        name
    } else {
        format!("{dir}/{name}")
    }
}

/// Tags are words: `Accounts` → `Accounts C3`.
fn tag_suffix(suffix: &str) -> String {
    format!(" {suffix}")
}

/// A reference in copy `suffix`: the file renamed, and a component name in the fragment.
fn rewrite_ref(reference: &str, suffix: &str) -> String {
    let (file, fragment) = reference
        .split_once('#')
        .map_or((reference, None), |(f, p)| (f, Some(p)));
    let mut out = if file.is_empty() || file.contains("://") {
        file.to_string()
    } else {
        rename_file(file, suffix)
    };
    if let Some(fragment) = fragment {
        out.push('#');
        let segments: Vec<&str> = fragment.split('/').collect();
        match segments.as_slice() {
            ["", "components", section, name, rest @ ..] if *section != "securitySchemes" => {
                out.push_str(&format!("/components/{section}/{name}{suffix}"));
                for segment in rest {
                    out.push('/');
                    out.push_str(segment);
                }
            }
            _ => out.push_str(fragment),
        }
    }
    out
}

/// A file's content in copy `suffix`: references, operation ids, operation tags and
/// discriminator mappings renamed.
fn rewrite(value: &Value, suffix: &str) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, child)| {
                    let child = match (key.as_str(), child) {
                        ("$ref", Value::String(r)) => Value::String(rewrite_ref(r, suffix)),
                        ("operationId", Value::String(id)) => {
                            Value::String(format!("{id}{suffix}"))
                        }
                        ("tags", Value::Array(items)) if items.iter().all(Value::is_string) => {
                            Value::Array(
                                items
                                    .iter()
                                    .map(|t| {
                                        Value::String(format!(
                                            "{}{}",
                                            t.as_str().unwrap_or_default(),
                                            tag_suffix(suffix)
                                        ))
                                    })
                                    .collect(),
                            )
                        }
                        ("mapping", Value::Object(targets)) => Value::Object(
                            targets
                                .iter()
                                .map(|(name, target)| {
                                    let target = match target {
                                        Value::String(r) => Value::String(rewrite_ref(r, suffix)),
                                        other => other.clone(),
                                    };
                                    (name.clone(), target)
                                })
                                .collect(),
                        ),
                        _ => rewrite(child, suffix),
                    };
                    (key.clone(), child)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| rewrite(v, suffix)).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_renamed_per_copy() {
        assert_eq!(
            rewrite_ref("../schemas/Account.yaml", "C2"),
            "../schemas/AccountC2.yaml"
        );
        assert_eq!(
            rewrite_ref("#/components/schemas/Account/properties/id", "C2"),
            "#/components/schemas/AccountC2/properties/id"
        );
        assert_eq!(
            rewrite_ref("./x.example.yaml#/a", "C0"),
            "./xC0.example.yaml#/a"
        );
    }

    #[test]
    fn the_spec_doubles_and_generates() {
        let out = tempfile::tempdir().unwrap();
        let spec = crate::fixtures::project_root().join("spec/openapi.yaml");
        let summary = write_scaled(&spec, 2, out.path()).unwrap();
        let options = generator::Options::new(out.path().join("openapi.yaml"));
        let once = generator::generate(&generator::Options::new(&spec)).unwrap();
        let twice = generator::generate(&options).unwrap();
        assert_eq!(twice.api.operations.len(), 2 * once.api.operations.len());
        assert_eq!(twice.api.models.len(), 2 * once.api.models.len());
        assert!(summary.paths > 0);
    }
}
