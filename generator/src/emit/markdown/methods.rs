//! The methods page of one tag: the source document's sections, with Rust in place of Python.

use super::escape::{self, block, cell, code};
use super::types::linked;
use super::{examples, DocsSettings, FrontMatter, Slugs};
use crate::ir::{Api, FormFieldKind, Operation, ParamLocation, Status, Tag};
use serde::Serialize;

#[derive(Serialize)]
pub struct MethodsPage {
    pub front: FrontMatter,
    pub header: String,
    /// `sailpoint_beta::AccountsApi`
    pub api_type: String,
    pub description: Option<String>,
    pub base_url: Option<String>,
    pub ops: Vec<OperationDoc>,
}

#[derive(Serialize)]
pub struct OperationDoc {
    pub kebab: String,
    pub http_method: &'static str,
    /// The path as a code span.
    pub path: String,
    /// The summary for the methods table.
    pub summary_cell: String,
    pub deprecated: Option<DeprecatedDoc>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub api_reference: Option<String>,
    pub params: Vec<ParamRow>,
    pub return_type: String,
    pub responses: Vec<ResponseRow>,
    /// The sentence under the responses about the error type.
    pub errors: String,
    pub security: Vec<SecurityRow>,
    /// Read from the IR, as the Rust emitter does: the page and the client agree.
    pub anonymous: bool,
    pub user_levels: Option<String>,
    pub content_type: String,
    pub accept: String,
    pub example: String,
    pub stream_example: Option<String>,
    pub search_example: Option<String>,
    /// The source of the overlay entry (`path`, `method`).
    pub overlay_method: &'static str,
    pub overlay_path: String,
    pub overlay_label: String,
}

#[derive(Serialize)]
pub struct DeprecatedDoc {
    pub note: Option<String>,
    pub rust_method: String,
    /// `[`sailpoint_v2025::AccountsApi::list_accounts`](../../v2025/methods/accounts#list-accounts)`
    pub replacement: Option<String>,
}

#[derive(Serialize)]
pub struct ParamRow {
    pub kind: &'static str,
    pub name: String,
    pub ty: String,
    pub required: String,
    pub description: String,
}

#[derive(Serialize)]
pub struct ResponseRow {
    pub code: String,
    pub description: String,
    pub ty: String,
    pub headers: String,
}

#[derive(Serialize)]
pub struct SecurityRow {
    pub scheme: String,
    pub scopes: String,
}

pub fn page(
    api: &Api,
    index: usize,
    tag: &Tag,
    settings: &DocsSettings,
    slugs: &Slugs,
    header: &str,
) -> MethodsPage {
    let slug = slugs.tag(index);
    let ops = api
        .operations_of(index)
        .map(|op| operation(api, tag, op, settings, slugs, slug))
        .collect();
    MethodsPage {
        front: settings.front_matter(&tag.name.wire, "methods", slug),
        header: header.to_string(),
        api_type: format!("{}::{}", api.lib_name, tag.name.rust),
        description: tag.description.as_deref().map(block),
        base_url: base_url(api),
        ops,
    }
}

/// The first server's URL with every variable at its default.
fn base_url(api: &Api) -> Option<String> {
    let server = api.servers.first()?;
    let mut url = server.url.clone();
    for variable in &server.variables {
        url = url.replace(&format!("{{{}}}", variable.name), &variable.default);
    }
    Some(escape::plain(&url))
}

fn operation(
    api: &Api,
    tag: &Tag,
    op: &Operation,
    settings: &DocsSettings,
    slugs: &Slugs,
    slug: &str,
) -> OperationDoc {
    let summary = op
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let mut params: Vec<ParamRow> = op
        .parameters
        .iter()
        .map(|param| {
            let mut required = if param.required {
                "True".to_string()
            } else {
                "(optional)".to_string()
            };
            if let Some(default) = &param.default {
                required.push_str(&format!(
                    " (default to {})",
                    cell(&super::default_value(default))
                ));
            }
            let mut description = param.description.as_deref().map(cell).unwrap_or_default();
            if param.deprecated {
                description = format!("**Deprecated.** {description}")
                    .trim_end()
                    .to_string();
            }
            ParamRow {
                kind: location(param.location),
                name: escape::plain(&param.name.rust),
                ty: linked(&param.ty, slugs),
                required,
                description,
            }
        })
        .collect();
    let required = |yes: bool| {
        if yes {
            "True".to_string()
        } else {
            "(optional)".to_string()
        }
    };
    if let Some(body) = &op.body {
        params.push(ParamRow {
            kind: if body.form.is_some() { "Form" } else { "Body" },
            name: escape::plain(&body.name.rust),
            ty: match &body.form {
                Some(form) => format!("**{}**", escape::plain(&form.type_name)),
                None => linked(&body.ty, slugs),
            },
            required: required(body.required),
            description: body.description.as_deref().map(cell).unwrap_or_default(),
        });
        // One row per form part, under the form: what the form type's fields hold.
        for field in body.form.iter().flat_map(|form| &form.fields) {
            params.push(ParamRow {
                kind: "Form part",
                name: escape::plain(&format!("{}.{}", body.name.rust, field.name.rust)),
                ty: match &field.kind {
                    FormFieldKind::File => "**FilePart**".to_string(),
                    FormFieldKind::Files => "**Vec\\<FilePart\\>**".to_string(),
                    FormFieldKind::Text(ty) | FormFieldKind::Json(ty) => linked(ty, slugs),
                },
                required: required(field.required),
                description: field.description.as_deref().map(cell).unwrap_or_default(),
            });
        }
    }
    let responses = op
        .responses
        .iter()
        .map(|response| ResponseRow {
            code: response.status.label(),
            description: cell(&response.description),
            ty: response
                .ty
                .as_ref()
                .map(|ty| linked(ty, slugs))
                .unwrap_or_else(|| "-".to_string()),
            headers: if response.headers.is_empty() {
                "-".to_string()
            } else {
                response
                    .headers
                    .iter()
                    .map(|h| match &h.description {
                        Some(d) => format!("**{}**: {}", escape::plain(&h.name), cell(d)),
                        None => format!("**{}**", escape::plain(&h.name)),
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            },
        })
        .collect();
    let mut variants: Vec<String> = op
        .responses
        .iter()
        .filter(|r| !r.status.is_success())
        .map(|r| code(&r.variant))
        .collect();
    if !op.responses.iter().any(|r| r.status == Status::Default) {
        variants.push("`Undeclared` for a status not listed".to_string());
    }
    let errors = format!(
        "A failed call returns a `{lib}::Error`; an error status arrives as `Error::Api` with a `{lib}::apis::{module}::{error}` body: {}.",
        variants.join(", "),
        lib = api.lib_name,
        module = tag.module,
        error = op.error_type,
    );
    let security = op
        .security
        .iter()
        .map(|s| SecurityRow {
            scheme: escape::plain(&s.scheme),
            scopes: if s.scopes.is_empty() {
                "(none)".to_string()
            } else {
                s.scopes
                    .iter()
                    .map(|scope| code(scope))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        })
        .collect();
    let mut content_types: Vec<&str> = Vec::new();
    for response in &op.responses {
        if let Some(media) = &response.content_type {
            if !content_types.contains(&media.as_str()) {
                content_types.push(media);
            }
        }
    }
    let example = examples::operation(api, tag, op);
    OperationDoc {
        kebab: op.kebab.clone(),
        http_method: op.method.upper(),
        path: code(&op.path),
        summary_cell: summary.map(cell).unwrap_or_default(),
        deprecated: op.deprecated.as_ref().map(|d| DeprecatedDoc {
            note: d.note.as_deref().map(block),
            rust_method: code(&format!("{}::{}", tag.name.rust, op.name.rust)),
            replacement: d
                .replacement
                .as_ref()
                .map(|r| format!("[{}]({})", code(&r.rust_path), r.page_link)),
        }),
        summary: summary.map(block),
        description: op
            .description
            .as_deref()
            .map(block)
            .filter(|d| !d.is_empty()),
        api_reference: settings.api_reference(&op.kebab),
        params,
        return_type: op.success.linked(slugs),
        responses,
        errors,
        security,
        anonymous: op.anonymous,
        user_levels: (!op.user_levels.is_empty()).then(|| {
            op.user_levels
                .iter()
                .map(|l| code(l))
                .collect::<Vec<_>>()
                .join(", ")
        }),
        content_type: op
            .body
            .as_ref()
            .map(|b| escape::plain(&b.content_type))
            .unwrap_or_else(|| "Not defined".to_string()),
        accept: if content_types.is_empty() {
            "Not defined".to_string()
        } else {
            escape::plain(&content_types.join(", "))
        },
        stream_example: examples::stream(api, tag, op),
        search_example: super::transfers::search(api, tag, op),
        overlay_method: op.method.upper(),
        overlay_path: op.path.clone(),
        overlay_label: format!("{}#{}", settings.overlay_label(slug), op.kebab),
        example,
    }
}

fn location(location: ParamLocation) -> &'static str {
    location.label()
}
