//! The values the every-operation harness passes: arguments from the description's examples
//! or built from the schema, and filled-in forms.

use generator::ir::{Api, Form, FormFieldKind, ModelKind, TypeRef};

/// A filled-in form: a small CSV for each file part, each text part from its example or
/// schema.
pub fn form_value(api: &Api, operation: &str, module: &str, form: &Form) -> String {
    let file = "sdk::runtime::FilePart::from_bytes(\"upload.csv\", &b\"id,name\\n1,Ann\\n\"[..])";
    let members: Vec<String> = form
        .fields
        .iter()
        .map(|field| {
            let value = match &field.kind {
                FormFieldKind::File => file.to_owned(),
                FormFieldKind::Files => format!("vec![{file}]"),
                FormFieldKind::Text(ty) | FormFieldKind::Json(ty) => {
                    let value = argument(api, operation, ty, std::slice::from_ref(&field.example));
                    match ty {
                        // `argument` gives text for an `impl Into<…>` parameter.
                        TypeRef::String | TypeRef::FormattedString(_) => {
                            format!("::std::convert::Into::into({value})")
                        }
                        _ => value,
                    }
                }
            };
            if field.required || field.kind == FormFieldKind::Files {
                format!("{}: {value}", field.name.rust)
            } else {
                format!("{}: Some({value})", field.name.rust)
            }
        })
        .collect();
    format!(
        "sdk::apis::{module}::{} {{ {} }}",
        form.type_name,
        members.join(", ")
    )
}

/// A Rust expression for a required argument of type `ty`: the first of `examples` there is,
/// then values built from the schema (with the fields' examples, then without).
pub fn argument(
    api: &Api,
    operation: &str,
    ty: &TypeRef,
    examples: &[Option<serde_json::Value>],
) -> String {
    // An example that breaks its own schema (a missing required member, a value outside an
    // enum) is skipped here, since Prism would refuse it; the last candidate, built from the
    // schema alone, is kept whatever happens.
    let mut candidates: Vec<serde_json::Value> = examples
        .iter()
        .flatten()
        .cloned()
        .chain([synthesize(api, ty, 0, true)])
        .filter(|value| fits(api, ty, value, 0))
        .collect();
    let fallback = synthesize(api, ty, 0, false);
    if !candidates.contains(&fallback) {
        candidates.push(fallback);
    }
    match ty {
        // Taken as `impl Into<String>`.
        TypeRef::String | TypeRef::FormattedString(_) => {
            let text = match &candidates[0] {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            format!("{text:?}")
        }
        // Any other type is concrete: its value is decoded from JSON.
        _ => {
            let texts: Vec<String> = candidates
                .iter()
                .map(|value| format!("{:?}", value.to_string()))
                .collect();
            format!("support::de({operation:?}, &[{}])", texts.join(", "))
        }
    }
}

/// Whether `value` has the shape `ty` asks for, as far as the IR tells: JSON types, uuid
/// formats (SailPoint's descriptions give 32-digit ids as examples of `format: uuid`
/// parameters), enum members, the required members of objects. Unions and free-form values
/// are taken as they are.
fn fits(api: &Api, ty: &TypeRef, value: &serde_json::Value, depth: usize) -> bool {
    use serde_json::Value;
    if depth > 8 {
        return true;
    }
    match (ty, value) {
        (TypeRef::FormattedString(format), Value::String(text)) if format == "uuid" => {
            text.len() == 36 && text.chars().filter(|c| *c == '-').count() == 4
        }
        (TypeRef::String | TypeRef::FormattedString(_), Value::String(_))
        | (TypeRef::Boolean, Value::Bool(_))
        | (TypeRef::Number, Value::Number(_))
        | (TypeRef::Any, _) => true,
        (TypeRef::Integer(_), Value::Number(n)) => n.is_i64() || n.is_u64(),
        (TypeRef::Array(item), Value::Array(items)) => {
            items.iter().all(|v| fits(api, item, v, depth + 1))
        }
        (TypeRef::Map(item), Value::Object(members)) => {
            members.values().all(|v| fits(api, item, v, depth + 1))
        }
        (TypeRef::Named(name), _) => {
            let Some(model) = api.model(name) else {
                return true;
            };
            match (&model.kind, value) {
                (ModelKind::Struct(s), Value::Object(members)) => {
                    s.fields
                        .iter()
                        .all(|field| match members.get(&field.name.wire) {
                            None => !field.required || field.read_only,
                            Some(Value::Null) => !field.required,
                            Some(member) => {
                                fits(api, &field.ty, member, depth + 1)
                                    && fits_pattern(field.pattern.as_deref(), member)
                            }
                        })
                }
                (ModelKind::Enum(e), Value::String(text)) => {
                    e.variants.iter().any(|v| v.name.wire == *text)
                }
                (ModelKind::Enum(e), Value::Null) => e.nullable,
                (ModelKind::Alias(inner), _) => fits(api, inner, value, depth + 1),
                (ModelKind::Union(_), _) => true,
                _ => false,
            }
        }
        _ => false,
    }
}

/// Whether a string matches a field's `pattern` (a pattern this crate cannot compile is taken
/// as matched: Prism will say).
fn fits_pattern(pattern: Option<&str>, value: &serde_json::Value) -> bool {
    match (pattern, value) {
        (Some(pattern), serde_json::Value::String(text)) => {
            regex::Regex::new(pattern).map_or(true, |re| re.is_match(text))
        }
        _ => true,
    }
}

/// The one string an anchored pattern without operators matches (`^\{\}$` → `{}`, which
/// Launcher's `config` asks for), the only kind of pattern a value is built from.
fn pattern_literal(pattern: Option<&str>) -> Option<serde_json::Value> {
    let inner = pattern?.strip_prefix('^')?.strip_suffix('$')?;
    let mut literal = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => literal.push(chars.next()?),
            '.' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' => return None,
            other => literal.push(other),
        }
    }
    Some(serde_json::Value::String(literal))
}

/// The example of a named model, when the schema has one.
pub fn named_example(api: &Api, ty: &TypeRef) -> Option<serde_json::Value> {
    match ty {
        TypeRef::Named(name) => api.model(name)?.example.clone(),
        _ => None,
    }
}

/// A value of `ty` as the schema describes it: every required field, the first member of an
/// enum or a union; with `examples`, the models' and fields' examples where there are some.
pub fn synthesize(api: &Api, ty: &TypeRef, depth: usize, examples: bool) -> serde_json::Value {
    use serde_json::{json, Value};
    if depth > 8 {
        return Value::Null;
    }
    match ty {
        TypeRef::String => json!("2c9180835d191a86015d28455b4a2329"),
        TypeRef::FormattedString(format) => match format.as_str() {
            "date-time" => json!("2024-01-01T00:00:00Z"),
            "date" => json!("2024-01-01"),
            "uuid" => json!("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
            "email" => json!("john.doe@example.com"),
            "uri" | "url" => json!("https://example.com"),
            _ => json!("2c9180835d191a86015d28455b4a2329"),
        },
        TypeRef::Integer(_) => json!(1),
        TypeRef::Number => json!(1.0),
        TypeRef::Boolean => json!(true),
        TypeRef::Any | TypeRef::Map(_) => json!({}),
        TypeRef::Array(item) => json!([synthesize(api, item, depth + 1, examples)]),
        TypeRef::Named(name) => {
            let Some(model) = api.model(name) else {
                return Value::Null;
            };
            if let Some(example) = model.example.as_ref().filter(|_| examples) {
                return example.clone();
            }
            match &model.kind {
                ModelKind::Struct(s) => {
                    let mut object = serde_json::Map::new();
                    for field in s.fields.iter().filter(|f| f.required && !f.read_only) {
                        let value = field
                            .example
                            .clone()
                            .filter(|_| examples)
                            .or_else(|| field.default.clone())
                            .filter(|value| fits_pattern(field.pattern.as_deref(), value))
                            .or_else(|| pattern_literal(field.pattern.as_deref()))
                            .unwrap_or_else(|| synthesize(api, &field.ty, depth + 1, examples));
                        object.insert(field.name.wire.clone(), value);
                    }
                    Value::Object(object)
                }
                ModelKind::Enum(e) => e
                    .variants
                    .first()
                    .map_or(Value::Null, |v| Value::String(v.name.wire.clone())),
                ModelKind::Alias(inner) => synthesize(api, inner, depth + 1, examples),
                ModelKind::Union(u) => u
                    .variants
                    .first()
                    .map_or(Value::Null, |v| synthesize(api, &v.ty, depth + 1, examples)),
            }
        }
    }
}
