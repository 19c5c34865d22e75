//! Stage 2: check the root document's shape and read its skeleton with `openapiv3`.
//!
//! Only the parts the generator reads through `openapiv3` are parsed here (info, servers, tags,
//! security, the names under `paths` and `components/schemas`); operations and schemas are
//! checked where they are lowered, so one defect there does not hide the rest of the document.

use crate::diagnostics::{Diagnostics, Location};
use crate::load::Sources;
use serde_json::{Map, Value};

/// Checks the root; returns its skeleton when it can be read.
pub fn validate(sources: &Sources, diags: &mut Diagnostics) -> Option<openapiv3::OpenAPI> {
    let root = &sources.root;
    let value = &sources.files.get(root)?.value;
    let Some(map) = value.as_object() else {
        diags.error(
            Location::new(root.clone(), ""),
            "the description is not a mapping (an OpenAPI document is an object)",
        );
        return None;
    };
    if let Some(swagger) = map.get("swagger") {
        diags.error_hint(
            Location::new(root.clone(), "/swagger"),
            format!(
                "Swagger {} is not supported; this generator reads OpenAPI 3.0",
                display(swagger)
            ),
            "convert the description to OpenAPI 3.0 first (for example with swagger2openapi)",
        );
        return None;
    }
    match map.get("openapi") {
        None => {
            diags.error(
                Location::new(root.clone(), ""),
                "the `openapi` version field is missing",
            );
            return None;
        }
        Some(Value::String(version)) if version.starts_with("3.0.") || version == "3.0" => {}
        Some(Value::String(version)) if version.starts_with("3.1") => {
            diags.warn(
                Location::new(root.clone(), "/openapi"),
                format!("OpenAPI {version} is read as 3.0"),
                "3.1-only keywords are ignored",
            );
        }
        Some(other) => {
            diags.error(
                Location::new(root.clone(), "/openapi"),
                format!(
                    "unsupported OpenAPI version {}; this generator reads 3.0.x",
                    display(other)
                ),
            );
            return None;
        }
    }
    for key in ["info", "paths"] {
        match map.get(key) {
            None => diags.error(
                Location::new(root.clone(), ""),
                format!("the required `{key}` object is missing"),
            ),
            Some(value) if !value.is_object() => diags.error(
                Location::new(root.clone(), format!("/{key}")),
                format!("`{key}` must be an object, not {}", display(value)),
            ),
            Some(_) => {}
        }
    }
    if diags.has_errors() {
        return None;
    }
    let skeleton = skeleton(map);
    match serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(skeleton) {
        Ok(document) => Some(document),
        Err(e) => {
            let pointer = e
                .path()
                .iter()
                .map(|segment| {
                    format!(
                        "/{}",
                        segment.to_string().replace('~', "~0").replace('/', "~1")
                    )
                })
                .collect::<String>();
            diags.error(
                Location::new(root.clone(), pointer),
                format!("invalid document: {}", e.inner()),
            );
            None
        }
    }
}

/// The root with operations and schemas emptied: what `openapiv3` needs to see.
fn skeleton(map: &Map<String, Value>) -> Value {
    let mut copy = Map::new();
    for (key, value) in map {
        let kept = match key.as_str() {
            "paths" => Value::Object(empty_members(value)),
            "components" => {
                let mut components = Map::new();
                if let Some(c) = value.as_object() {
                    if let Some(schemes) = c.get("securitySchemes") {
                        components.insert("securitySchemes".into(), schemes.clone());
                    }
                    if let Some(schemas) = c.get("schemas") {
                        components.insert("schemas".into(), Value::Object(empty_members(schemas)));
                    }
                }
                Value::Object(components)
            }
            "webhooks" | "x-tagGroups" => continue,
            _ => value.clone(),
        };
        copy.insert(key.clone(), kept);
    }
    Value::Object(copy)
}

fn empty_members(value: &Value) -> Map<String, Value> {
    value
        .as_object()
        .map(|m| {
            m.keys()
                .map(|k| (k.clone(), Value::Object(Map::new())))
                .collect()
        })
        .unwrap_or_default()
}

fn display(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}
