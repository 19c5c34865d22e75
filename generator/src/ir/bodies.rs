//! Request bodies that are not JSON (forms) and the search paging of an operation: decided
//! once, in `normalize::decide_forms` and `normalize::decide_search`, and read by both
//! emitters.

use super::TypeRef;
use serde::Serialize;

/// How a form body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FormEncoding {
    /// `multipart/form-data`: text parts and file parts.
    Multipart,
    /// `application/x-www-form-urlencoded`: text pairs only.
    UrlEncoded,
}

/// A form request body: the type the caller fills in, one field per declared property.
#[derive(Debug, Clone, Serialize)]
pub struct Form {
    pub encoding: FormEncoding,
    /// The Rust type of the form, claimed next to the builders (`ImportAccountsForm`).
    pub type_name: String,
    /// Filled by `normalize::decide_forms` from the body schema's properties.
    pub fields: Vec<FormField>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FormField {
    /// Wire: the part name; Rust: the field name.
    pub name: super::Name,
    pub kind: FormFieldKind,
    pub required: bool,
    pub description: Option<String>,
    /// The property's example, for the reference pages.
    pub example: Option<serde_json::Value>,
}

/// What a form field holds, and so how its part is encoded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum FormFieldKind {
    /// A value sent as text (strings, numbers, booleans, enums; an array repeats the part).
    Text(TypeRef),
    /// `format: binary`: a file part (`rt::FilePart`).
    File,
    /// An array of `format: binary`: one file part per file.
    Files,
    /// An object or a map: a part holding its JSON text.
    Json(TypeRef),
}

/// How an operation that takes `searchAfter` pages past the 10,000-record window: the
/// builder fields the search stream sets on each page.
#[derive(Debug, Clone, Serialize)]
pub struct SearchPaging {
    /// The record type of the success body (an array of it).
    pub item: TypeRef,
    /// The builder field that holds the JSON body.
    pub body: String,
    /// The body model's `sort` and `searchAfter` fields (Rust names), and whether each is an
    /// `Option`.
    pub sort: String,
    pub sort_optional: bool,
    pub search_after: String,
    pub search_after_optional: bool,
    /// The Rust names of the optional `limit` and `offset` query parameters (both are needed
    /// to page by offset), and their types.
    pub limit: String,
    pub offset: String,
    pub limit_ty: TypeRef,
    pub offset_ty: TypeRef,
}
