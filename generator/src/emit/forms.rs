//! Template contexts for an operation's form type and its search stream; both read the
//! decisions `normalize::decide_forms` and `normalize::decide_search` made.

use super::doc::doc_lines;
use super::types::{literal, option, rust_type, text_expr};
use crate::ir::{Api, Form, FormEncoding, FormFieldKind, IntWidth, SearchPaging, TypeRef};
use serde::Serialize;

#[derive(Serialize)]
pub struct FormContext {
    pub name: String,
    pub docs: Vec<String>,
    pub fields: Vec<FormFieldContext>,
    /// Every field is an `Option` or a `Vec`, so the form has a `Default`.
    pub default: bool,
    /// `to_multipart` or `to_url_encoded`, and the runtime type it returns.
    pub method: &'static str,
    pub rt_type: &'static str,
    /// The statements that add each field to `form`.
    pub steps: Vec<String>,
}

#[derive(Serialize)]
pub struct FormFieldContext {
    pub name: String,
    pub ty: String,
    pub docs: Vec<String>,
}

/// Writes the statement that adds a field's value (an expression borrowing it) to `form`.
type AddPart<'a> = Box<dyn Fn(&str) -> String + 'a>;

pub fn form_context(api: &Api, operation: &str, form: &Form) -> FormContext {
    let multipart = form.encoding == FormEncoding::Multipart;
    let mut fields = Vec::new();
    let mut steps = Vec::new();
    let mut default = true;
    for field in &form.fields {
        let name = field.name.rust.clone();
        let wire = literal(&field.name.wire);
        let (stored, add): (String, AddPart<'_>) = match &field.kind {
            FormFieldKind::File => (
                "rt::FilePart".into(),
                Box::new(move |v: &str| {
                    format!("form = form.file({wire}, ::std::clone::Clone::clone({v}));")
                }),
            ),
            FormFieldKind::Files => (
                "::std::vec::Vec<rt::FilePart>".into(),
                Box::new(move |v: &str| {
                    format!("for file in {v} {{ form = form.file({wire}, ::std::clone::Clone::clone(file)); }}")
                }),
            ),
            FormFieldKind::Json(ty) => (
                rust_type(ty),
                Box::new(move |v: &str| format!("form = form.json({wire}, {v});")),
            ),
            FormFieldKind::Text(TypeRef::Array(item)) => {
                let item_text = text_expr(api, item, "item");
                (
                    rust_type(&TypeRef::Array(item.clone())),
                    Box::new(move |v: &str| {
                        format!("for item in {v} {{ form = form.text({wire}, {item_text}); }}")
                    }),
                )
            }
            FormFieldKind::Text(ty) => {
                let ty = ty.clone();
                (
                    rust_type(&ty),
                    Box::new(move |v: &str| {
                        format!("form = form.text({wire}, {});", text_expr(api, &ty, v))
                    }),
                )
            }
        };
        let mut docs = field
            .description
            .as_deref()
            .map(doc_lines)
            .unwrap_or_default();
        let is_file = matches!(field.kind, FormFieldKind::File | FormFieldKind::Files);
        if is_file && !multipart {
            // A url-encoded body has no way to carry a file.
            if !docs.is_empty() {
                docs.push(String::new());
            }
            docs.push("Not sent: a url-encoded form cannot carry files.".into());
        }
        let (ty, step) = match (&field.kind, field.required) {
            (FormFieldKind::Files, _) => (stored, add(&format!("&self.{name}"))),
            (_, true) => {
                default = false;
                (stored, add(&format!("&self.{name}")))
            }
            (_, false) => (
                option(&stored),
                format!(
                    "if let ::std::option::Option::Some(value) = &self.{name} {{ {} }}",
                    add("value")
                ),
            ),
        };
        if !is_file || multipart {
            steps.push(step);
        }
        fields.push(FormFieldContext { name, ty, docs });
    }
    let (method, rt_type, media) = if multipart {
        ("to_multipart", "rt::Multipart", "multipart/form-data")
    } else {
        (
            "to_url_encoded",
            "rt::UrlEncoded",
            "application/x-www-form-urlencoded",
        )
    };
    FormContext {
        name: form.type_name.clone(),
        docs: vec![
            format!(
                "The `{media}` body of `{}`: one field per form part, encoded by",
                operation.replace('`', "'")
            ),
            format!("[`{method}`](Self::{method})."),
        ],
        fields,
        default,
        method,
        rt_type,
        steps,
    }
}

#[derive(Serialize)]
pub struct SearchContext {
    pub item: String,
    pub body: String,
    pub sort: String,
    pub sort_optional: bool,
    pub search_after: String,
    pub search_after_optional: bool,
    pub limit: String,
    pub offset: String,
    /// Expressions that turn the runtime's `u32` `limit`/`offset` into the parameters' types.
    pub limit_value: String,
    pub offset_value: String,
}

pub fn search_context(search: &SearchPaging) -> SearchContext {
    SearchContext {
        item: rust_type(&search.item),
        body: search.body.clone(),
        sort: search.sort.clone(),
        sort_optional: search.sort_optional,
        search_after: search.search_after.clone(),
        search_after_optional: search.search_after_optional,
        limit: search.limit.clone(),
        offset: search.offset.clone(),
        limit_value: from_u32(&search.limit_ty, "page.limit"),
        offset_value: from_u32(&search.offset_ty, "offset"),
    }
}

/// A `u32` as a value of an integer parameter: widening is infallible, narrowing saturates.
pub fn from_u32(ty: &TypeRef, variable: &str) -> String {
    match ty {
        TypeRef::Integer(IntWidth::I64) => format!("i64::from({variable})"),
        _ => format!("i32::try_from({variable}).unwrap_or(i32::MAX)"),
    }
}
