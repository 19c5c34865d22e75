//! Template contexts for the API types and their request builders.

use super::doc::doc_lines;
use super::forms::{form_context, from_u32, search_context, FormContext, SearchContext};
use super::responses::{status_pattern, success, Arm};
use super::types::{
    argument, date_type, literal, member_init, option, rust_type, text_expr, text_fn,
};
use crate::ir::{Api, FormEncoding, Operation, ParamLocation, Status, Success, Tag, TypeRef};
use serde::Serialize;

#[derive(Serialize)]
pub struct TagContext {
    pub name: String,
    pub wire: String,
    pub module: String,
    pub file: String,
    pub docs: Vec<String>,
    pub ops: Vec<OpContext>,
}

#[derive(Serialize)]
pub struct OpContext {
    pub method: String,
    pub wire_id: String,
    pub builder: String,
    pub error: String,
    pub docs: Vec<String>,
    pub deprecated: Option<String>,
    pub http_method: &'static str,
    pub path: String,
    pub accept: String,
    pub args: Vec<Arg>,
    pub fields: Vec<BuilderField>,
    pub setters: Vec<Setter>,
    pub steps: Vec<String>,
    pub success_ty: String,
    pub success_arms: Vec<Arm>,
    pub error_variants: Vec<ErrorVariant>,
    /// A `default` response takes every status not declared.
    pub error_has_default: bool,
    pub pagination: Option<PageContext>,
    /// The operation's form type, when its body is a form.
    pub form: Option<FormContext>,
    pub search: Option<SearchContext>,
    /// The success body is a file, streamed (`rt::Download`).
    pub download: bool,
}

#[derive(Serialize)]
pub struct Arg {
    pub name: String,
    pub ty: String,
}

#[derive(Serialize)]
pub struct BuilderField {
    pub name: String,
    pub ty: String,
    pub init: String,
}

#[derive(Serialize)]
pub struct Setter {
    pub name: String,
    pub field: String,
    pub ty: String,
    pub value: String,
    pub docs: Vec<String>,
}

#[derive(Serialize)]
pub struct ErrorVariant {
    pub name: String,
    pub ty: Option<String>,
    /// The body is kept as bytes rather than decoded.
    pub raw: bool,
    pub pattern: String,
    pub doc: String,
}

#[derive(Serialize)]
pub struct PageContext {
    pub item: String,
    pub limit: String,
    pub offset: String,
    pub limit_setter: String,
    pub offset_setter: String,
    /// Expressions that turn the runtime's `u32` `limit`/`offset` into the parameters' types.
    pub limit_value: String,
    pub offset_value: String,
}

pub fn tag_context(api: &Api, index: usize, tag: &Tag) -> TagContext {
    let docs = match &tag.description {
        Some(d) => doc_lines(d),
        None => vec![format!(
            "The operations tagged `{}`.",
            tag.name.wire.replace('`', "'")
        )],
    };
    TagContext {
        name: tag.name.rust.clone(),
        wire: tag.name.wire.replace('`', "'"),
        file: format!("{}.rs", crate::names::unraw(&tag.module)),
        module: tag.module.clone(),
        docs,
        ops: api
            .operations_of(index)
            .map(|op| op_context(api, op))
            .collect(),
    }
}

fn op_context(api: &Api, op: &Operation) -> OpContext {
    let mut args = Vec::new();
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    let mut steps = Vec::new();
    let mut path_args = Vec::new();
    for param in &op.parameters {
        let name = param.name.rust.clone();
        let stored = rust_type(&param.ty);
        let (arg_ty, convert) = argument(&param.ty);
        let mut docs = param
            .description
            .as_deref()
            .map(doc_lines)
            .unwrap_or_default();
        if let Some(default) = &param.default {
            docs.push(String::new());
            docs.push(format!("The server's default: `{default}`."));
        }
        add_input(
            &mut args,
            &mut fields,
            &mut setters,
            Input {
                name: &name,
                stored,
                arg_ty,
                convert,
                required: param.required,
                docs,
            },
        );
        let wire = literal(&param.name.wire);
        match param.location {
            ParamLocation::Path => {
                let text = text_expr(api, &param.ty, &format!("&self.{name}"));
                path_args.push((
                    param.name.wire.as_str(),
                    format!("rt::encode_path_segment(&{text})"),
                ));
            }
            ParamLocation::Query | ParamLocation::Header | ParamLocation::Cookie => {
                let call = match param.location {
                    ParamLocation::Header => "header",
                    _ => "query",
                };
                let add = |value: &str| -> String {
                    match (&param.ty, param.explode, param.location) {
                        (TypeRef::Array(item), true, ParamLocation::Query) => format!(
                            "for item in {value} {{ request = request.{call}({wire}, {}); }}",
                            text_expr(api, item, "item")
                        ),
                        (TypeRef::Array(item), _, _) if matches!(**item, TypeRef::String | TypeRef::FormattedString(_)) && date_type(item).is_none() => {
                            format!("request = request.{call}({wire}, {value}.join(\",\"));")
                        }
                        (TypeRef::Array(item), _, _) => format!(
                            "request = request.{call}({wire}, {value}.iter().map({}).collect::<::std::vec::Vec<_>>().join(\",\"));",
                            text_fn(api, item)
                        ),
                        (ty, _, _) => format!("request = request.{call}({wire}, {});", text_expr(api, ty, value)),
                    }
                };
                if param.location == ParamLocation::Cookie {
                    // Cookies are not sent by this SDK; the value is kept for a future runtime.
                    continue;
                }
                if param.required {
                    steps.push(add(&format!("&self.{name}")));
                } else {
                    steps.push(format!(
                        "if let ::std::option::Option::Some(value) = &self.{name} {{ {} }}",
                        add("value")
                    ));
                }
            }
        }
    }
    if let Some(body) = &op.body {
        let name = body.name.rust.clone();
        let content_type = literal(&body.content_type);
        // A JSON body is serialised by the runtime, a form is encoded from its typed fields,
        // and any other media type is passed as bytes.
        let (stored, arg_ty, convert, call) = match &body.form {
            Some(form) => (
                form.type_name.clone(),
                form.type_name.clone(),
                "",
                match form.encoding {
                    FormEncoding::Multipart => "multipart_body",
                    FormEncoding::UrlEncoded => "form_body",
                },
            ),
            None if body.raw => (
                "rt::Bytes".to_string(),
                "impl ::std::convert::Into<rt::Bytes>".to_string(),
                ".into()",
                "bytes_body",
            ),
            None => {
                let (arg_ty, convert) = argument(&body.ty);
                (rust_type(&body.ty), arg_ty, convert, "json_body")
            }
        };
        let value = |v: &str| match &body.form {
            Some(form) => match form.encoding {
                FormEncoding::Multipart => format!("{v}.to_multipart()"),
                FormEncoding::UrlEncoded => format!("&{v}.to_url_encoded()"),
            },
            None if body.raw => format!("::std::clone::Clone::clone({v})"),
            None => v.to_string(),
        };
        let docs = body
            .description
            .as_deref()
            .map(doc_lines)
            .unwrap_or_else(|| vec!["The request body.".into()]);
        add_input(
            &mut args,
            &mut fields,
            &mut setters,
            Input {
                name: &name,
                stored,
                arg_ty,
                convert,
                required: body.required,
                docs,
            },
        );
        // A form's media type is the runtime's: a multipart one names its boundary.
        let args = |v: &str| match &body.form {
            Some(_) => value(v),
            None => format!("{content_type}, {}", value(v)),
        };
        if body.required {
            let field = match &body.form {
                Some(_) => format!("self.{name}"),
                None => format!("&self.{name}"),
            };
            steps.push(format!("request = request.{call}({});", args(&field)));
        } else {
            steps.push(format!(
                "if let ::std::option::Option::Some(body) = &self.{name} {{ request = request.{call}({}); }}",
                args("body")
            ));
        }
    }
    if op.anonymous {
        steps.push("request = request.anonymous();".to_string());
    }
    if op.experimental {
        steps.push("request = request.experimental();".to_string());
    }
    let (template, placeholders) = path_template(&op.path);
    // Each placeholder takes the parameter of its own name, so the URL never depends on the
    // order in which the parameters were declared.
    let values: Vec<&str> = placeholders
        .iter()
        .filter_map(|wire| {
            path_args
                .iter()
                .find(|(name, _)| name == wire)
                .map(|(_, value)| value.as_str())
        })
        .collect();
    let path = if placeholders.is_empty() {
        format!("::std::string::String::from({})", literal(&op.path))
    } else {
        format!("format!({}, {})", literal(&template), values.join(", "))
    };
    let (success_ty, success_arms) = success(op);
    let accept = op
        .responses
        .iter()
        .find(|r| r.status.is_success() && r.content_type.is_some())
        .and_then(|r| r.content_type.clone())
        .unwrap_or_else(|| "application/json".to_string());
    let error_variants = op
        .responses
        .iter()
        .filter(|r| !r.status.is_success())
        .map(|r| ErrorVariant {
            name: r.variant.clone(),
            ty: if r.raw {
                Some("rt::Bytes".to_string())
            } else {
                r.ty.as_ref().map(rust_type)
            },
            raw: r.raw,
            pattern: status_pattern(r.status),
            doc: format!("{}: {}", r.status.label(), first_line(&r.description)),
        })
        .collect();
    let pagination = op.pagination.as_ref().and_then(|p| {
        let find = |rust: &str| op.parameters.iter().find(|q| q.name.rust == rust);
        let (limit, offset) = (find(&p.limit)?, find(&p.offset)?);
        Some(PageContext {
            item: rust_type(&p.item),
            limit: limit.name.rust.clone(),
            offset: offset.name.rust.clone(),
            limit_setter: limit.name.rust.clone(),
            offset_setter: offset.name.rust.clone(),
            limit_value: from_u32(&limit.ty, "limit"),
            offset_value: from_u32(&offset.ty, "offset"),
        })
    });
    OpContext {
        method: op.name.rust.clone(),
        wire_id: literal(&op.name.wire),
        builder: op.builder.clone(),
        error: op.error_type.clone(),
        docs: op_docs(op),
        deprecated: op.deprecated.as_ref().map(|d| {
            let note = d
                .note
                .as_deref()
                .map(first_paragraph)
                .unwrap_or("this operation is deprecated by the API")
                .trim();
            literal(&match &d.replacement {
                Some(r) => format!("{note} In Rust: `{}`.", r.rust_path),
                None => note.to_string(),
            })
        }),
        http_method: op.method.upper(),
        path,
        accept: literal(&accept),
        args,
        fields,
        setters,
        steps,
        success_ty,
        success_arms,
        error_has_default: op.responses.iter().any(|r| r.status == Status::Default),
        error_variants,
        pagination,
        form: op
            .body
            .as_ref()
            .and_then(|b| b.form.as_ref())
            .map(|f| form_context(api, &op.name.wire, f)),
        search: op.search.as_ref().map(search_context),
        download: matches!(op.success, Success::Body { raw: true, .. }),
    }
}

/// One value the caller gives a request: a parameter or the body.
struct Input<'a> {
    name: &'a str,
    stored: String,
    arg_ty: String,
    convert: &'static str,
    required: bool,
    docs: Vec<String>,
}

/// A required input is an argument of the API method; an optional one a builder setter. Either
/// way the builder keeps it in a field.
fn add_input(
    args: &mut Vec<Arg>,
    fields: &mut Vec<BuilderField>,
    setters: &mut Vec<Setter>,
    input: Input<'_>,
) {
    let Input {
        name,
        stored,
        arg_ty,
        convert,
        required,
        docs,
    } = input;
    if required {
        args.push(Arg {
            name: name.to_string(),
            ty: arg_ty,
        });
        fields.push(BuilderField {
            name: name.to_string(),
            ty: stored,
            init: member_init(name, &format!("{name}{convert}")),
        });
    } else {
        fields.push(BuilderField {
            name: name.to_string(),
            ty: option(&stored),
            init: member_init(name, "::std::option::Option::None"),
        });
        setters.push(Setter {
            name: name.to_string(),
            field: name.to_string(),
            ty: arg_ty,
            value: format!("value{convert}"),
            docs,
        });
    }
}

fn op_docs(op: &Operation) -> Vec<String> {
    let mut docs = Vec::new();
    if let Some(summary) = &op.summary {
        docs.extend(doc_lines(summary));
    }
    if let Some(description) = &op.description {
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.extend(doc_lines(description));
    }
    if !docs.is_empty() {
        docs.push(String::new());
    }
    docs.push(format!(
        "`{} {}`",
        op.method.upper(),
        op.path.replace('`', "'")
    ));
    docs
}

/// `/accounts/{id}` → `/accounts/{}` and `["id"]`, with other braces escaped for `format!`.
fn path_template(path: &str) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open].replace('}', "}}"));
        match rest[open..].find('}') {
            Some(close) => {
                out.push_str("{}");
                names.push(rest[open + 1..open + close].to_string());
                rest = &rest[open + close + 1..];
            }
            None => {
                out.push_str(&rest[open..].replace('{', "{{"));
                rest = "";
            }
        }
    }
    out.push_str(&rest.replace('}', "}}"));
    (out, names)
}

fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or_default()
        .trim()
        .replace('`', "'")
        .replace('<', "&lt;")
        .replace('[', "\\[")
        .replace(']', "\\]")
}

fn first_paragraph(text: &str) -> &str {
    text.split("\n\n").next().unwrap_or(text)
}
