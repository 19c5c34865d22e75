//! Which `$ref`s of a file are references: every one outside data. Examples, defaults, enum
//! values and vendor extensions hold data, where `$ref` is an ordinary member (SCIM payloads
//! carry it as a URL) or points at something the generator never reads.

use super::Place;
use serde_json::Value;

/// Finds every `$ref` below `value` that is a reference. Values that are data are skipped:
/// examples (SCIM payloads carry `$ref` as an ordinary member holding a URL), defaults, enum
/// values and vendor extensions (`x-…`, which may point at guides the generator never reads).
pub(super) fn collect_refs(value: &Value, place: &Place, out: &mut Vec<(Place, String)>) {
    walk_refs(value, place, Keys::Keywords, out);
}

/// What the keys of an object are: OpenAPI or JSON Schema keywords, or names chosen by the
/// author (property names, status codes, media types…), which may be spelt like a keyword.
#[derive(Clone, Copy, PartialEq)]
enum Keys {
    Keywords,
    Names,
    /// The named entries of `examples`: Example Objects, whose `value` is data.
    Examples,
}

/// Keywords whose value is data, never a reference.
const DATA_KEYWORDS: &[&str] = &["example", "default", "enum", "const", "x-example"];

/// Keywords whose value is an object keyed by names.
const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "dependentSchemas",
    "paths",
    "webhooks",
    "x-webhooks",
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "content",
    "encoding",
    "variables",
    "pathItems",
];

fn walk_refs(value: &Value, place: &Place, keys: Keys, out: &mut Vec<(Place, String)>) {
    match value {
        Value::Object(map) => {
            if keys != Keys::Names {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    out.push((place.join("$ref"), reference.clone()));
                }
            }
            for (key, child) in map {
                let child_keys = match keys {
                    Keys::Names => Keys::Keywords,
                    Keys::Examples if key == "value" => continue,
                    Keys::Examples => Keys::Keywords,
                    Keys::Keywords if DATA_KEYWORDS.contains(&key.as_str()) => continue,
                    Keys::Keywords if key == "examples" => match child {
                        // JSON Schema's `examples` is a list of values; OpenAPI's a map of
                        // Example Objects (or references to them).
                        Value::Array(_) => continue,
                        _ => {
                            walk_examples(child, &place.join(key), out);
                            continue;
                        }
                    },
                    Keys::Keywords if NAME_MAPS.contains(&key.as_str()) => Keys::Names,
                    Keys::Keywords if key.starts_with("x-") => continue,
                    Keys::Keywords => Keys::Keywords,
                };
                walk_refs(child, &place.join(key), child_keys, out);
            }
        }
        Value::Array(items) => {
            // Items of a list (parameters, `allOf` members, …) are objects of keywords.
            let item_keys = match keys {
                Keys::Names => Keys::Keywords,
                other => other,
            };
            for (i, child) in items.iter().enumerate() {
                walk_refs(child, &place.index(i), item_keys, out);
            }
        }
        _ => {}
    }
}

/// The entries of an `examples` map: each a reference or an Example Object.
fn walk_examples(value: &Value, place: &Place, out: &mut Vec<(Place, String)>) {
    if let Value::Object(map) = value {
        for (name, example) in map {
            walk_refs(example, &place.join(name), Keys::Examples, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_in_data_are_not_followed() {
        let value: Value = serde_json::json!({
            "x-guides": {"$ref": "guides/a.md"},
            "paths": {"/a": {"get": {
                "parameters": [{"$ref": "p.yaml"}],
                "responses": {"200": {"content": {"application/json": {
                    "schema": {"$ref": "s.yaml"},
                    "example": {"$ref": "https://example.com/1"},
                    "examples": {
                        "one": {"value": {"$ref": "https://example.com/2"}},
                        "two": {"$ref": "e.yaml"}
                    }
                }}}}
            }}},
            "components": {"schemas": {"G": {
                "properties": {"$ref": {"type": "string"}, "x-y": {"$ref": "x.yaml"}},
                "default": {"$ref": "d"}
            }}}
        });
        let mut found = Vec::new();
        collect_refs(&value, &Place::new("root.yaml", ""), &mut found);
        let targets: Vec<&str> = found.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(targets, ["p.yaml", "s.yaml", "e.yaml", "x.yaml"]);
    }
}
