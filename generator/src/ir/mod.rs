//! The intermediate representation: plain owned data, sorted and deterministic.
//!
//! Architecture Invariant: nothing here refers to `openapiv3`, `serde_yaml` or token streams.
//! `lower` builds it from the loaded description, `normalize` rewrites it, and the emitters only
//! read it. Every named node carries both its wire name and its Rust name.

mod bodies;
mod status;

pub use bodies::{Form, FormEncoding, FormField, FormFieldKind, SearchPaging};
pub use status::Status;

use serde::Serialize;
use std::collections::BTreeMap;

/// A name as it appears on the wire and as the generated Rust code spells it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Name {
    pub wire: String,
    pub rust: String,
}

/// Where a node came from, for diagnostics and docs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Default)]
pub struct Origin {
    /// The file, relative to the folder of the root description.
    pub file: String,
    /// The JSON pointer of the node inside that file (`""` for the whole file).
    pub pointer: String,
}

/// The whole API.
#[derive(Debug, Clone, Serialize)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    /// Cargo package name of the generated crate (`sailpoint-beta`).
    pub package_name: String,
    /// Library name of the generated crate (`sailpoint_beta`).
    pub lib_name: String,
    /// The path every operation's URL starts with under the tenant (`/beta`): from the
    /// settings, else the path of the first server URL. One client serves every version
    /// because each request carries its own.
    pub version_path: String,
    /// The version segment of the reference pages' ids and slugs (`beta`).
    pub docs_version: String,
    pub servers: Vec<Server>,
    pub tags: Vec<Tag>,
    /// Operations in the order of their tag, then kebab-case id (the source document's order).
    pub operations: Vec<Operation>,
    /// Models sorted by Rust name.
    pub models: Vec<Model>,
    pub security_schemes: Vec<SecurityScheme>,
    /// Every identifier that had to be changed to become valid Rust, for the docs.
    pub renames: Vec<Rename>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Server {
    pub url: String,
    pub description: Option<String>,
    pub variables: Vec<ServerVariable>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServerVariable {
    pub name: String,
    pub default: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tag {
    /// Wire: the tag name; Rust: the API struct (`AccountsApi`).
    pub name: Name,
    /// Snake-case module name (`accounts_api`).
    pub module: String,
    /// Kebab-case slug for docs (`accounts`).
    pub slug: String,
    /// The cargo feature that compiles this tag's API and the models it reaches (`accounts`);
    /// set by `normalize::assign_features`.
    pub feature: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SecurityScheme {
    pub name: String,
    pub kind: String,
    pub description: Option<String>,
    pub token_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Rename {
    pub wire: String,
    pub rust: String,
    /// What the name belongs to, e.g. `Account.type` or `listAccounts`.
    pub context: String,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    pub const ALL: [Method; 8] = [
        Method::Get,
        Method::Put,
        Method::Post,
        Method::Delete,
        Method::Options,
        Method::Head,
        Method::Patch,
        Method::Trace,
    ];

    /// The lowercase key of the method in a path item.
    pub fn key(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Options => "options",
            Method::Head => "head",
            Method::Patch => "patch",
            Method::Trace => "trace",
        }
    }

    pub fn upper(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// Wire: the `operationId`; Rust: the method name (`list_accounts`).
    pub name: Name,
    /// The builder type (`ListAccounts`).
    pub builder: String,
    /// The per-operation error enum (`ListAccountsError`).
    pub error_type: String,
    /// Kebab-case id, used for doc anchors and links (`list-accounts`).
    pub kebab: String,
    pub method: Method,
    pub path: String,
    /// Index into `Api::tags`.
    pub tag: usize,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: Option<Deprecation>,
    pub parameters: Vec<Parameter>,
    pub body: Option<RequestBody>,
    pub responses: Vec<Response>,
    pub security: Vec<SecurityRequirement>,
    /// The operation declares that it needs no credentials (`security: [{}]`, as SailPoint's
    /// public discovery endpoints do): the client sends it without a token, and its page says
    /// so.
    pub anonymous: bool,
    pub user_levels: Vec<String>,
    /// Set for operations that need the `X-SailPoint-Experimental` header.
    pub experimental: bool,
    /// Set when the operation pages with the standard `offset`/`limit` parameters.
    pub pagination: Option<Pagination>,
    /// Set when the operation takes `searchAfter`; set by `normalize::decide_search`.
    pub search: Option<SearchPaging>,
    /// What a successful call returns; set by `normalize::decide_success`.
    pub success: Success,
    pub origin: Origin,
}

/// What a successful call returns, decided once for the API emitter and the reference pages:
/// one body type (`raw` when it is not JSON and is handed over as a streaming download), that type in an
/// `Option` when some success status has no body, a JSON value when the success statuses
/// disagree or none is declared, `()` when none has a body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Success {
    Unit,
    Body {
        ty: TypeRef,
        raw: bool,
        optional: bool,
    },
    Json,
}

#[derive(Debug, Clone, Serialize)]
pub struct Deprecation {
    /// The description's own replacement text (`x-deprecated-description`), if any.
    pub note: Option<String>,
    /// The replacement the note links to, when it is an operation of another generated crate;
    /// set by `normalize::link_replacements`.
    pub replacement: Option<Replacement>,
}

/// An operation of another generated crate that replaces a deprecated one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Replacement {
    /// `sailpoint_v2025::AccountsApi::list_accounts`
    pub rust_path: String,
    /// The replacement's section, relative to a methods page of this crate
    /// (`../../v2025/methods/accounts#list-accounts`).
    pub page_link: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
    Cookie,
}

impl ParamLocation {
    pub fn label(self) -> &'static str {
        match self {
            ParamLocation::Path => "Path",
            ParamLocation::Query => "Query",
            ParamLocation::Header => "Header",
            ParamLocation::Cookie => "Cookie",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Parameter {
    pub name: Name,
    pub location: ParamLocation,
    pub required: bool,
    pub ty: TypeRef,
    pub description: Option<String>,
    pub default: Option<serde_json::Value>,
    pub example: Option<serde_json::Value>,
    pub deprecated: bool,
    /// `explode: false` query arrays are sent comma-separated.
    pub explode: bool,
    /// The parameter object (after following its `$ref`), for diagnostics.
    pub origin: Origin,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestBody {
    /// Rust name of the argument (`account_attributes_create`).
    pub name: Name,
    pub content_type: String,
    pub ty: TypeRef,
    /// The body is not JSON: the caller passes the encoded bytes (`ty` is then `Any`), or a
    /// form when `form` is set (`ty` is then the schema's model).
    pub raw: bool,
    /// A `multipart/form-data` or `application/x-www-form-urlencoded` body, sent from a typed
    /// form; its fields are filled by `normalize::decide_forms`.
    pub form: Option<Form>,
    pub required: bool,
    pub description: Option<String>,
    /// Named examples in document order.
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Example {
    pub name: String,
    pub summary: Option<String>,
    pub value: serde_json::Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct Response {
    pub status: Status,
    pub description: String,
    /// The body type, when the response declares a JSON body.
    pub ty: Option<TypeRef>,
    /// The media type of the body, when there is one.
    pub content_type: Option<String>,
    /// The body is not JSON (a CSV or ZIP download): it is handed over as bytes.
    pub raw: bool,
    /// The variant name in the operation's success or error enum (`BadRequest`).
    pub variant: String,
    pub headers: Vec<ResponseHeader>,
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResponseHeader {
    pub name: String,
    pub description: Option<String>,
    pub ty: TypeRef,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityRequirement {
    pub scheme: String,
    pub scopes: Vec<String>,
}

/// How an operation pages, decided once in `lower` for the builder's `into_stream` and the
/// pages' stream example.
#[derive(Debug, Clone, Serialize)]
pub struct Pagination {
    pub item: TypeRef,
    /// The Rust names of the optional `limit` and `offset` query parameters.
    pub limit: String,
    pub offset: String,
}

/// A reference to a type, resolved to Rust-level shapes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum TypeRef {
    String,
    /// `format: date-time`, `date`, `uuid`… kept as the wire string, the format for docs.
    FormattedString(String),
    Integer(IntWidth),
    Number,
    Boolean,
    /// Any JSON value.
    Any,
    /// A named model, by Rust name.
    Named(String),
    Array(Box<TypeRef>),
    /// `additionalProperties`: a string-keyed map.
    Map(Box<TypeRef>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum IntWidth {
    I32,
    I64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Model {
    pub name: Name,
    /// The module (and file stem) under `src/models/`, unique by construction; set by
    /// `normalize::name_model_modules`.
    pub module: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub kind: ModelKind,
    pub example: Option<serde_json::Value>,
    /// Whether any response reaches this model; decoding is lenient for those (see `Field`).
    pub in_response: bool,
    /// The cargo features (one per tag) whose operations reach this model, sorted; the model
    /// is compiled when any of them is on. Set by `normalize::assign_features`.
    pub features: Vec<String>,
    pub origin: Origin,
}

#[derive(Debug, Clone, Serialize)]
pub enum ModelKind {
    Struct(StructModel),
    Enum(EnumModel),
    /// A named alias of another type (`type: array` at the top level, free-form objects…).
    Alias(TypeRef),
    /// `oneOf`/`anyOf`: an untagged union of its variants.
    Union(UnionModel),
}

#[derive(Debug, Clone, Serialize)]
pub struct StructModel {
    pub fields: Vec<Field>,
    /// `additionalProperties` other than `false`: the extra members, kept in a map.
    pub additional: Option<TypeRef>,
    /// The Rust name of the field that holds the extra members, when there are any; set by
    /// `normalize::name_fields`.
    pub additional_name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub name: Name,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    pub read_only: bool,
    /// Set by `normalize` when the field closes a reference cycle.
    pub boxed: bool,
    /// How the generated struct stores the field; set by `normalize::decide_field_storage`.
    pub storage: Storage,
    pub default: Option<serde_json::Value>,
    pub description: Option<String>,
    pub example: Option<serde_json::Value>,
    pub deprecated: bool,
    /// The `pattern` of a string field (an ECMA-262 regular expression), for tools that build
    /// values: the contract tests' harness; the client does not check it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

/// How a struct field is stored, decided once for the models and the reference pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Storage {
    /// A plain value: required and not nullable, in a type no response reaches.
    Plain,
    /// A plain value that takes the schema's default when absent.
    Defaulted,
    /// An `Option`.
    Optional,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumModel {
    pub variants: Vec<EnumVariant>,
    /// The enum listed `null` among its values.
    pub nullable: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnumVariant {
    pub name: Name,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnionModel {
    pub variants: Vec<UnionVariant>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnionVariant {
    pub name: String,
    pub ty: TypeRef,
    /// Set by `normalize` when the variant closes a reference cycle.
    pub boxed: bool,
}

impl Api {
    /// Looks a model up by its Rust name.
    pub fn model(&self, rust_name: &str) -> Option<&Model> {
        self.models
            .binary_search_by(|m| m.name.rust.as_str().cmp(rust_name))
            .ok()
            .map(|i| &self.models[i])
    }

    /// The operations of one tag, in document order.
    pub fn operations_of(&self, tag: usize) -> impl Iterator<Item = &Operation> {
        self.operations.iter().filter(move |op| op.tag == tag)
    }

    /// The tags that have operations, with their index in `tags`: the ones that get an API
    /// type, a feature and a methods page.
    pub fn tags_with_operations(&self) -> impl Iterator<Item = (usize, &Tag)> {
        self.tags
            .iter()
            .enumerate()
            .filter(|(i, _)| self.operations_of(*i).next().is_some())
    }
}

/// Model names reached from each model, used by the cycle and reachability passes.
pub type ModelGraph = BTreeMap<String, Vec<String>>;
