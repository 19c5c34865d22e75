//! The copy of a vendored description that Prism serves in the every-operation test, with the
//! defects repaired that make Prism refuse *every* request to an operation, whatever the
//! client sends. Without the repairs those operations would only ever report the description's
//! defect; with them, Prism checks the rest of each request (query, headers, body).
//!
//! Each repair leaves the wire contract as the generator reads it (its located warnings name the
//! same defects), and is returned as one line so the test prints what Prism was given:
//! - a declared path parameter missing from the path template (`filterId` for `{id}`) is renamed
//!   to the template's one unbound variable (the name never reaches the wire), or dropped when
//!   there is none, as the generator leaves it out;
//! - a security requirement naming an undeclared scheme (`UserContextAuth`) names the document's
//!   declared scheme instead, the bearer token the client sends;
//! - an object part of a multipart body is typed as a string: Prism reads every part as text,
//!   so a JSON part (OpenAPI 3.0's default for an object part) can never pass as an object;
//! - a request body's `oneOf` whose members require the same members and allow any others is
//!   an `anyOf`: every value that fits one fits all, so none fits exactly one (the generator
//!   reads either as an untagged union).

use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Copies `root` (a vendored root description) and the folders beside it (a root reaches into
/// other versions' folders: v2025's into v2024's) into `dir`, repairs the copy, and returns the
/// copied root with one line per repair.
pub fn prism_copy(root: &Path, dir: &Path) -> Result<(PathBuf, Vec<String>), String> {
    let source = root.parent().ok_or("the root has no folder")?;
    let _ = std::fs::remove_dir_all(dir);
    let entries =
        std::fs::read_dir(source).map_err(|e| format!("read {}: {e}", source.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("read {}: {e}", source.display()))?;
        if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
            copy_tree(&entry.path(), &dir.join(entry.file_name()))?;
        }
    }
    let file_name = root.file_name().ok_or("the root has no file name")?;
    let copied_root = dir.join(file_name);
    std::fs::copy(root, &copied_root).map_err(|e| format!("copy {}: {e}", root.display()))?;

    let document = read(&copied_root)?;
    let schemes: Vec<String> = document
        .get("components")
        .and_then(|c| c.get("securitySchemes"))
        .and_then(Value::as_mapping)
        .map(|m| {
            m.keys()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let mut repairs = Vec::new();
    let paths = document
        .get("paths")
        .and_then(Value::as_mapping)
        .cloned()
        .unwrap_or_default();
    for (template, item) in &paths {
        let (Some(template), Some(reference)) =
            (template.as_str(), item.get("$ref").and_then(Value::as_str))
        else {
            continue;
        };
        let file = dir.join(reference);
        let mut path_item = read(&file)?;
        let before = path_item.clone();
        repair_path_item(template, &mut path_item, &schemes, &file, dir, &mut repairs)?;
        if path_item != before {
            write(&file, &path_item)?;
        }
    }
    Ok((copied_root, repairs))
}

fn repair_path_item(
    template: &str,
    item: &mut Value,
    schemes: &[String],
    file: &Path,
    dir: &Path,
    repairs: &mut Vec<String>,
) -> Result<(), String> {
    let variables = generator::lower::path_template_names(template);
    let shown = file.strip_prefix(dir).unwrap_or(file).display().to_string();
    let Some(item) = item.as_mapping_mut() else {
        return Ok(());
    };
    for method in METHODS {
        let Some(op) = item.get_mut(method).and_then(Value::as_mapping_mut) else {
            continue;
        };
        let at = format!("{shown} {method} {template}");
        align_path_parameters(op, &variables, &at, repairs);
        name_declared_schemes(op, schemes, &at, repairs);
        type_object_parts_as_text(op, file, &at, repairs)?;
        relax_overlapping_one_of(op, file, &at, repairs)?;
    }
    Ok(())
}

/// Renames or drops the inline path parameters the template does not name, by the generator's
/// own rule (`generator::lower::stray_binding`).
fn align_path_parameters(
    op: &mut Mapping,
    variables: &[String],
    at: &str,
    repairs: &mut Vec<String>,
) {
    let Some(parameters) = op.get_mut("parameters").and_then(Value::as_sequence_mut) else {
        return;
    };
    let is_path = |p: &Value| p.get("in").and_then(Value::as_str) == Some("path");
    let name_of = |p: &Value| p.get("name").and_then(Value::as_str).map(str::to_owned);
    let declared: Vec<String> = parameters
        .iter()
        .filter(|p| is_path(p))
        .filter_map(name_of)
        .collect();
    if let Some((name, variable)) = generator::lower::stray_binding(&declared, variables) {
        for parameter in parameters.iter_mut().filter(|p| is_path(p)) {
            if name_of(parameter).as_deref() == Some(name.as_str()) {
                parameter["name"] = Value::from(variable.as_str());
                repairs.push(format!(
                    "{at}: path parameter `{name}` renamed `{variable}`"
                ));
            }
        }
        return;
    }
    for name in declared.iter().filter(|name| !variables.contains(name)) {
        parameters.retain(|p| !(is_path(p) && name_of(p).as_deref() == Some(name.as_str())));
        repairs.push(format!(
            "{at}: path parameter `{name}`, not in the template, dropped"
        ));
    }
}

/// Points requirements on undeclared schemes at the first declared one.
fn name_declared_schemes(
    op: &mut Mapping,
    schemes: &[String],
    at: &str,
    repairs: &mut Vec<String>,
) {
    let Some(declared) = schemes.first() else {
        return;
    };
    let Some(security) = op.get_mut("security").and_then(Value::as_sequence_mut) else {
        return;
    };
    for requirement in security.iter_mut().filter_map(Value::as_mapping_mut) {
        let undeclared: Vec<Value> = requirement
            .keys()
            .filter(|k| k.as_str().is_some_and(|k| !schemes.iter().any(|s| s == k)))
            .cloned()
            .collect();
        for key in undeclared {
            let scopes = requirement
                .remove(&key)
                .unwrap_or(Value::Sequence(Vec::new()));
            requirement.insert(Value::from(declared.as_str()), scopes);
            repairs.push(format!(
                "{at}: security scheme `{}` replaced by the declared `{declared}`",
                key.as_str().unwrap_or_default()
            ));
        }
    }
}

/// Types the object parts of an inline multipart schema as strings.
fn type_object_parts_as_text(
    op: &mut Mapping,
    file: &Path,
    at: &str,
    repairs: &mut Vec<String>,
) -> Result<(), String> {
    let Some(properties) = body_schema(op, "multipart/form-data")
        .and_then(|s| s.get_mut("properties"))
        .and_then(Value::as_mapping_mut)
    else {
        return Ok(());
    };
    for (name, schema) in properties.iter_mut() {
        let is_object = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                referenced(file, reference)?
                    .get("type")
                    .and_then(Value::as_str)
                    == Some("object")
            }
            None => schema.get("type").and_then(Value::as_str) == Some("object"),
        };
        if is_object {
            *schema = serde_yaml::from_str("{type: string}").map_err(|e| e.to_string())?;
            repairs.push(format!(
                "{at}: multipart part `{}` typed as text",
                name.as_str().unwrap_or_default()
            ));
        }
    }
    Ok(())
}

/// Turns a JSON request body's `oneOf` into `anyOf` when no value can match exactly one member.
fn relax_overlapping_one_of(
    op: &mut Mapping,
    file: &Path,
    at: &str,
    repairs: &mut Vec<String>,
) -> Result<(), String> {
    let Some(schema) = body_schema(op, "application/json").and_then(Value::as_mapping_mut) else {
        return Ok(());
    };
    let Some(members) = schema.get("oneOf").and_then(Value::as_sequence) else {
        return Ok(());
    };
    let mut shapes = Vec::new();
    for member in members {
        let Some(reference) = member.get("$ref").and_then(Value::as_str) else {
            return Ok(());
        };
        let target = referenced(file, reference)?;
        let open = target.get("type").and_then(Value::as_str) == Some("object")
            && target.get("additionalProperties") != Some(&Value::Bool(false));
        if !open {
            return Ok(());
        }
        let mut required: Vec<String> = target
            .get("required")
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        required.sort();
        shapes.push(required);
    }
    if shapes.len() > 1 && shapes.windows(2).all(|pair| pair[0] == pair[1]) {
        if let Some(members) = schema.remove("oneOf") {
            schema.insert(Value::from("anyOf"), members);
            repairs.push(format!(
                "{at}: the body's oneOf, whose members all accept the same values, read as anyOf"
            ));
        }
    }
    Ok(())
}

/// The inline schema of the operation's request body of `media` type.
fn body_schema<'a>(op: &'a mut Mapping, media: &str) -> Option<&'a mut Value> {
    op.get_mut("requestBody")?
        .get_mut("content")?
        .get_mut(media)?
        .get_mut("schema")
}

/// The schema a `$ref` of a schema in `file` points to (a whole file, as SailPoint's are).
fn referenced(file: &Path, reference: &str) -> Result<Value, String> {
    read(&file.parent().unwrap_or(file).join(reference))
}

fn read(path: &Path) -> Result<Value, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("read {}: {e}", path.display()))?;
    serde_yaml::from_str(&text).map_err(|e| format!("parse {}: {e}", path.display()))
}

fn write(path: &Path, value: &Value) -> Result<(), String> {
    let text = serde_yaml::to_string(value).map_err(|e| format!("{}: {e}", path.display()))?;
    std::fs::write(path, text).map_err(|e| format!("write {}: {e}", path.display()))
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("create {}: {e}", to.display()))?;
    let entries = std::fs::read_dir(from).map_err(|e| format!("read {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("read {}: {e}", from.display()))?;
        let target = to.join(entry.file_name());
        if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .map_err(|e| format!("copy {}: {e}", entry.path().display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_what_prism_refuses_whatever_is_sent() {
        let mut repairs = Vec::new();
        let mut item: Value = serde_yaml::from_str(
            "post:\n  parameters:\n  - {in: path, name: filterId, schema: {type: string}}\n  - {in: query, name: q}\n  security:\n  - UserContextAuth: [idn:role:update]\nget:\n  parameters:\n  - {in: path, name: id}\n  - {in: path, name: sessionId}\n",
        )
        .unwrap();
        let schemes = vec!["userAuth".to_owned()];
        let variables = vec!["id".to_owned()];
        let post = item["post"].as_mapping_mut().unwrap();
        align_path_parameters(post, &variables, "post", &mut repairs);
        name_declared_schemes(post, &schemes, "post", &mut repairs);
        let get = item["get"].as_mapping_mut().unwrap();
        align_path_parameters(get, &variables, "get", &mut repairs);
        assert_eq!(item["post"]["parameters"][0]["name"], "id");
        assert_eq!(item["post"]["parameters"][1]["name"], "q");
        assert_eq!(
            item["post"]["security"][0]["userAuth"][0],
            "idn:role:update"
        );
        assert_eq!(item["get"]["parameters"].as_sequence().unwrap().len(), 1);
        assert_eq!(repairs.len(), 3, "{repairs:?}");
    }

    #[test]
    fn the_vendored_v2025_copy_binds_data_segment_ids_and_names_user_auth() {
        let dir = tempfile::tempdir().unwrap();
        let (root, repairs) = prism_copy(&crate::sailpoint_spec("v2025"), dir.path()).unwrap();
        for repair in &repairs {
            println!("{repair}");
        }
        assert!(root.is_file());
        let segment = read(&dir.path().join("v2025/paths/data-segment.yaml")).unwrap();
        assert_eq!(segment["get"]["parameters"][0]["name"], "segmentId");
        let by_filter = read(
            &dir.path()
                .join("v2025/paths/role-access-model-metadata/role-bulk-update-filter.yaml"),
        )
        .unwrap();
        assert!(by_filter["post"]["security"][0]["userAuth"].is_sequence());
        assert!(repairs
            .iter()
            .any(|r| r.contains("part `options` typed as text")));
        assert!(repairs
            .iter()
            .any(|r| r.contains("managed-cluster") && r.contains("read as anyOf")));
    }
}
