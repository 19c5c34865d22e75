//! Rust types as the pages spell them: short in tables (`Vec<Account>`), with paths in example
//! code (`Vec<models::Account>`), which the doctests compile against the real API.

use super::escape;
use super::Slugs;
use crate::ir::{IntWidth, TypeRef};

/// The type as a reader writes it, without paths.
pub fn short(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::Array(item) => format!("Vec<{}>", short(item)),
        TypeRef::Map(value) => format!("BTreeMap<String, {}>", short(value)),
        other => scalar(other).to_string(),
    }
}

/// The type in example code, which imports `sailpoint_xyz::models`.
pub fn code(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => format!("models::{name}"),
        TypeRef::Array(item) => format!("Vec<{}>", code(item)),
        TypeRef::Map(value) => format!("std::collections::BTreeMap<String, {}>", code(value)),
        other => scalar(other).to_string(),
    }
}

fn scalar(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::Integer(IntWidth::I32) => "i32",
        TypeRef::Integer(IntWidth::I64) => "i64",
        TypeRef::Number => "f64",
        TypeRef::Boolean => "bool",
        TypeRef::Any => "serde_json::Value",
        _ => "String",
    }
}

/// The model a type is made of, if any (`Vec<Account>` → `Account`).
pub fn named(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        TypeRef::Array(inner) | TypeRef::Map(inner) => named(inner),
        _ => None,
    }
}

/// A type in bold, linked to the page of the model it is made of.
pub fn linked(ty: &TypeRef, slugs: &Slugs) -> String {
    link(&short(ty), named(ty), slugs)
}

/// `text` in bold, linked to the page of `model` when it has one.
pub fn link(text: &str, model: Option<&str>, slugs: &Slugs) -> String {
    let bold = format!("**{}**", escape::plain(text));
    match model.and_then(|m| slugs.model(m)) {
        Some(slug) => format!("[{bold}](../models/{slug})"),
        None => bold,
    }
}

use crate::ir::Success;

impl Success {
    /// In a table, linked to its model.
    pub fn linked(&self, slugs: &Slugs) -> String {
        match self {
            Success::Unit => "**()** (empty response body)".to_string(),
            Success::Json => linked(&TypeRef::Any, slugs),
            Success::Body {
                raw: true,
                optional,
                ..
            } => {
                let download = "Download".to_string();
                format!(
                    "**{}** (the body as a stream, to save to a file or collect)",
                    if *optional {
                        format!("Option\\<{download}\\>")
                    } else {
                        download
                    }
                )
            }
            Success::Body {
                ty,
                optional: false,
                ..
            } => linked(ty, slugs),
            Success::Body {
                ty, optional: true, ..
            } => link(&format!("Option<{}>", short(ty)), named(ty), slugs),
        }
    }

    /// In example code.
    pub fn code(&self) -> String {
        match self {
            Success::Unit => "()".to_string(),
            Success::Json => code(&TypeRef::Any),
            Success::Body {
                raw: true,
                optional: false,
                ..
            } => "sailpoint_sdk_runtime::Download".to_string(),
            Success::Body {
                raw: true,
                optional: true,
                ..
            } => "Option<sailpoint_sdk_runtime::Download>".to_string(),
            Success::Body {
                ty,
                optional: false,
                ..
            } => code(ty),
            Success::Body {
                ty, optional: true, ..
            } => format!("Option<{}>", code(ty)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings() {
        let ty = TypeRef::Array(Box::new(TypeRef::Map(Box::new(TypeRef::Named(
            "Account".into(),
        )))));
        assert_eq!(short(&ty), "Vec<BTreeMap<String, Account>>");
        assert_eq!(
            code(&ty),
            "Vec<std::collections::BTreeMap<String, models::Account>>"
        );
        assert_eq!(named(&ty), Some("Account"));
        assert_eq!(
            short(&TypeRef::FormattedString("date-time".into())),
            "String"
        );
    }
}
