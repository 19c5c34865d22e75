//! Rust spellings of IR types and values. Generated code never trusts the prelude, so every
//! path is absolute.

use crate::ir::{Api, IntWidth, ModelKind, TypeRef};
use serde_json::Value;

pub const STRING: &str = "::std::string::String";

/// The runtime type of a `format: date-time` or `format: date` string, which keeps the wire
/// text and parses on request; `None` for any other format.
pub fn date_type(ty: &TypeRef) -> Option<&'static str> {
    match ty {
        TypeRef::FormattedString(format) if format == "date-time" => {
            Some("::sailpoint_sdk_runtime::DateTime")
        }
        TypeRef::FormattedString(format) if format == "date" => {
            Some("::sailpoint_sdk_runtime::Date")
        }
        _ => None,
    }
}

/// The Rust type of `ty`.
pub fn rust_type(ty: &TypeRef) -> String {
    if let Some(date) = date_type(ty) {
        return date.to_string();
    }
    match ty {
        TypeRef::String | TypeRef::FormattedString(_) => STRING.to_string(),
        TypeRef::Integer(IntWidth::I32) => "i32".to_string(),
        TypeRef::Integer(IntWidth::I64) => "i64".to_string(),
        TypeRef::Number => "f64".to_string(),
        TypeRef::Boolean => "bool".to_string(),
        TypeRef::Any => "::serde_json::Value".to_string(),
        TypeRef::Named(name) => format!("crate::models::{name}"),
        TypeRef::Array(item) => format!("::std::vec::Vec<{}>", rust_type(item)),
        TypeRef::Map(value) => format!(
            "::std::collections::BTreeMap<{STRING}, {}>",
            rust_type(value)
        ),
    }
}

pub fn option(ty: &str) -> String {
    format!("::std::option::Option<{ty}>")
}

pub fn boxed(ty: &str) -> String {
    format!("::std::boxed::Box<{ty}>")
}

/// A Rust string literal for `text`; Rust's `Debug` escaping is valid literal syntax.
pub fn literal(text: &str) -> String {
    format!("{text:?}")
}

/// A TOML basic string for `text`: quotes, backslashes (a Windows path) and control
/// characters escaped as the TOML specification lists them.
pub fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The Rust expression for a schema default that `normalize::default_fits` accepted.
pub fn default_expr(api: &Api, ty: &TypeRef, value: &Value) -> Option<String> {
    if let (Some(date), Value::String(s)) = (date_type(ty), value) {
        return Some(format!("{date}::from_wire({})", literal(s)));
    }
    Some(match (ty, value) {
        (TypeRef::String | TypeRef::FormattedString(_), Value::String(s)) => {
            format!("{STRING}::from({})", literal(s))
        }
        (TypeRef::Integer(_), Value::Number(n)) => n.as_i64()?.to_string(),
        (TypeRef::Number, Value::Number(n)) => {
            let v = n.as_f64()?;
            if v.fract() == 0.0 {
                format!("{v:.1}")
            } else {
                format!("{v}")
            }
        }
        (TypeRef::Boolean, Value::Bool(b)) => b.to_string(),
        (TypeRef::Array(_), Value::Array(items)) if items.is_empty() => {
            "::std::vec::Vec::new()".to_string()
        }
        (TypeRef::Named(name), value) if matches!(api.model(name)?.kind, ModelKind::Alias(_)) => {
            let ModelKind::Alias(target) = &api.model(name)?.kind else {
                return None;
            };
            return default_expr(api, target, value);
        }
        (TypeRef::Named(name), Value::String(s)) => {
            let model = api.model(name)?;
            let ModelKind::Enum(e) = &model.kind else {
                return None;
            };
            let variant = e.variants.iter().find(|v| v.name.wire == *s)?;
            format!("crate::models::{name}::{}", variant.name.rust)
        }
        _ => return None,
    })
}

/// The function that turns a borrowed value of `ty` into the text of a query or header
/// parameter: `Display` for strings, numbers, enums (their wire value) and aliases of those;
/// the JSON text for anything else.
pub fn text_fn(api: &Api, ty: &TypeRef) -> &'static str {
    if date_type(ty).is_some() {
        // `Display` is the wire text.
        return "::std::string::ToString::to_string";
    }
    match ty {
        TypeRef::String | TypeRef::FormattedString(_) => "::std::clone::Clone::clone",
        TypeRef::Integer(_) | TypeRef::Number | TypeRef::Boolean => {
            "::std::string::ToString::to_string"
        }
        TypeRef::Named(name) => match api.model(name).map(|m| &m.kind) {
            Some(ModelKind::Enum(_)) => "::std::string::ToString::to_string",
            Some(ModelKind::Alias(target)) if !matches!(target, TypeRef::Named(_)) => {
                text_fn(api, target)
            }
            _ => "crate::apis::parameter_text",
        },
        _ => "crate::apis::parameter_text",
    }
}

/// `text_fn` applied to an expression that borrows the value.
pub fn text_expr(api: &Api, ty: &TypeRef, value: &str) -> String {
    format!("{}({value})", text_fn(api, ty))
}

/// The argument type a builder takes for a value stored as `ty`: strings accept anything that
/// converts into one.
pub fn argument(ty: &TypeRef) -> (String, &'static str) {
    if let Some(date) = date_type(ty) {
        // Text as the server would send it, or a typed `time` value.
        return (format!("impl ::std::convert::Into<{date}>"), ".into()");
    }
    match ty {
        TypeRef::String | TypeRef::FormattedString(_) => {
            (format!("impl ::std::convert::Into<{STRING}>"), ".into()")
        }
        other => (rust_type(other), ""),
    }
}

/// A member of a struct expression, in shorthand when the value is a variable of the same name.
pub fn member_init(name: &str, value: &str) -> String {
    if name == value {
        name.to_string()
    } else {
        format!("{name}: {value}")
    }
}
