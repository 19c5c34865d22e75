//! Example values that fit their Rust types: the description's own when they decode, else
//! values built from the types (every field the struct stores plainly, the first member of a
//! union), so that every example program compiles and every model example decodes.

use crate::ir::{Api, Field, IntWidth, Model, ModelKind, Storage, TypeRef};
use serde_json::{Map, Value};

/// How deep built values go; deeper optional members are left out.
const MAX_DEPTH: usize = 6;

/// An example value of `ty`.
pub fn value_of(api: &Api, ty: &TypeRef) -> Value {
    build(api, ty, 0)
}

/// An example value of a model: its own example when it fits, else one built from its members.
pub fn model_value(api: &Api, model: &Model) -> Value {
    model_at(api, model, 0)
}

/// `value` when it fits `ty`, else a built one.
pub fn fitting(api: &Api, ty: &TypeRef, value: Option<&Value>) -> Value {
    match value {
        Some(value) if fits(api, ty, value) => value.clone(),
        _ => value_of(api, ty),
    }
}

fn model_at(api: &Api, model: &Model, depth: usize) -> Value {
    if let Some(example) = &model.example {
        if fits(api, &TypeRef::Named(model.name.rust.clone()), example) {
            return example.clone();
        }
    }
    match &model.kind {
        ModelKind::Struct(s) => {
            let mut object = Map::new();
            for field in &s.fields {
                let value = match (&field.example, &field.default) {
                    (Some(example), _) if field_fits(api, field, Some(example)) => example.clone(),
                    (_, Some(default)) if field_fits(api, field, Some(default)) => default.clone(),
                    _ if field.required && depth < MAX_DEPTH => build(api, &field.ty, depth + 1),
                    _ => continue,
                };
                object.insert(field.name.wire.clone(), value);
            }
            Value::Object(object)
        }
        ModelKind::Enum(e) => match e.variants.first() {
            Some(variant) => Value::String(variant.name.wire.clone()),
            None => Value::String("value".into()),
        },
        ModelKind::Alias(ty) => build(api, ty, depth),
        ModelKind::Union(u) => match u.variants.first() {
            Some(variant) => build(api, &variant.ty, depth),
            None => Value::Null,
        },
    }
}

fn build(api: &Api, ty: &TypeRef, depth: usize) -> Value {
    match ty {
        TypeRef::String => Value::String("string".into()),
        TypeRef::FormattedString(format) => Value::String(
            match format.as_str() {
                "date-time" => "2024-01-01T00:00:00Z",
                "date" => "2024-01-01",
                "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
                "email" => "jane.doe@example.com",
                "uri" | "url" => "https://example.com",
                _ => "string",
            }
            .into(),
        ),
        TypeRef::Integer(_) => Value::from(0),
        TypeRef::Number => Value::from(0.0),
        TypeRef::Boolean => Value::Bool(false),
        TypeRef::Any => Value::Object(Map::new()),
        TypeRef::Named(name) => match api.model(name) {
            Some(model) if depth <= MAX_DEPTH => model_at(api, model, depth),
            _ => Value::Object(Map::new()),
        },
        TypeRef::Array(item) if depth < MAX_DEPTH => {
            Value::Array(vec![build(api, item, depth + 1)])
        }
        TypeRef::Array(_) => Value::Array(Vec::new()),
        TypeRef::Map(_) => Value::Object(Map::new()),
    }
}

/// Whether `value` decodes as `ty`.
pub fn fits(api: &Api, ty: &TypeRef, value: &Value) -> bool {
    fits_at(api, ty, value, 0)
}

fn fits_at(api: &Api, ty: &TypeRef, value: &Value, depth: usize) -> bool {
    if depth > 32 {
        return false;
    }
    match ty {
        TypeRef::String | TypeRef::FormattedString(_) => value.is_string(),
        TypeRef::Integer(IntWidth::I32) => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        TypeRef::Integer(IntWidth::I64) => value.is_i64(),
        TypeRef::Number => value.is_number(),
        TypeRef::Boolean => value.is_boolean(),
        TypeRef::Any => true,
        TypeRef::Array(item) => value
            .as_array()
            .is_some_and(|items| items.iter().all(|v| fits_at(api, item, v, depth + 1))),
        TypeRef::Map(inner) => value
            .as_object()
            .is_some_and(|members| members.values().all(|v| fits_at(api, inner, v, depth + 1))),
        TypeRef::Named(name) => {
            let Some(model) = api.model(name) else {
                return false;
            };
            match &model.kind {
                // Values the SDK does not list decode into `Unknown`.
                ModelKind::Enum(_) => value.is_string(),
                ModelKind::Alias(target) => fits_at(api, target, value, depth + 1),
                ModelKind::Union(u) => u
                    .variants
                    .iter()
                    .any(|v| fits_at(api, &v.ty, value, depth + 1)),
                ModelKind::Struct(s) => {
                    let Some(members) = value.as_object() else {
                        return false;
                    };
                    let named = s
                        .fields
                        .iter()
                        .all(|field| field_fits(api, field, members.get(&field.name.wire)));
                    let extra = match &s.additional {
                        Some(extra) => members
                            .iter()
                            .filter(|(key, _)| !s.fields.iter().any(|f| f.name.wire == **key))
                            .all(|(_, v)| fits_at(api, extra, v, depth + 1)),
                        None => true,
                    };
                    named && extra
                }
            }
        }
    }
}

/// Whether a member value (or its absence) decodes into the field as the model stores it.
fn field_fits(api: &Api, field: &Field, value: Option<&Value>) -> bool {
    let stored = field.storage;
    match value {
        None => !matches!(stored, Storage::Plain),
        Some(Value::Null) => matches!(stored, Storage::Optional) || field.ty == TypeRef::Any,
        Some(value) => fits(api, &field.ty, value),
    }
}
