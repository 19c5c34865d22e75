//! Template contexts for models.

use super::doc::doc_lines;
use super::types::{argument, boxed, default_expr, literal, member_init, option, rust_type};
use crate::ir::{Api, Field, Model, ModelKind, Storage, StructModel};
use crate::names;
use serde::Serialize;

/// The context of one model file (and its line in `models/mod.rs`): what every model has,
/// and the members of its kind's template only.
#[derive(Serialize)]
pub struct ModelContext {
    pub name: String,
    /// The module and file name.
    pub module: String,
    pub file: String,
    pub template: &'static str,
    pub docs: Vec<String>,
    #[serde(flatten)]
    pub kind: KindContext,
}

/// What the template of each kind reads beyond the common members.
#[derive(Serialize)]
#[serde(untagged)]
pub enum KindContext {
    Struct(StructContext),
    Enum { variants: Vec<EnumVariantContext> },
    Alias { ty: String },
    Union { variants: Vec<UnionVariantContext> },
}

#[derive(Serialize, Default)]
pub struct StructContext {
    pub fields: Vec<FieldContext>,
    pub ctor_args: Vec<ArgContext>,
    pub many_args: bool,
    pub defaults: Vec<DefaultContext>,
}

#[derive(Serialize)]
pub struct FieldContext {
    pub name: String,
    pub ty: String,
    pub docs: Vec<String>,
    pub attrs: Vec<String>,
    pub init: String,
}

#[derive(Serialize)]
pub struct ArgContext {
    pub name: String,
    pub ty: String,
}

#[derive(Serialize)]
pub struct DefaultContext {
    pub function: String,
    pub ty: String,
    pub expr: String,
}

#[derive(Serialize)]
pub struct EnumVariantContext {
    pub name: String,
    pub wire: String,
    pub literal: String,
}

#[derive(Serialize)]
pub struct UnionVariantContext {
    pub name: String,
    pub ty: String,
}

pub fn model_context(api: &Api, model: &Model) -> ModelContext {
    let (template, kind) = match &model.kind {
        ModelKind::Struct(s) => (
            "rust/model_struct.rs.tera",
            KindContext::Struct(struct_context(api, model, s)),
        ),
        ModelKind::Enum(e) => (
            "rust/model_enum.rs.tera",
            KindContext::Enum {
                variants: e
                    .variants
                    .iter()
                    .map(|v| EnumVariantContext {
                        name: v.name.rust.clone(),
                        wire: v.name.wire.replace('`', "'"),
                        literal: literal(&v.name.wire),
                    })
                    .collect(),
            },
        ),
        ModelKind::Alias(ty) => (
            "rust/model_alias.rs.tera",
            KindContext::Alias { ty: rust_type(ty) },
        ),
        ModelKind::Union(u) => (
            "rust/model_union.rs.tera",
            KindContext::Union {
                variants: u
                    .variants
                    .iter()
                    .map(|v| {
                        let ty = rust_type(&v.ty);
                        UnionVariantContext {
                            name: v.name.clone(),
                            ty: if v.boxed { boxed(&ty) } else { ty },
                        }
                    })
                    .collect(),
            },
        ),
    };
    ModelContext {
        name: model.name.rust.clone(),
        file: format!("{}.rs", names::unraw(&model.module)),
        module: model.module.clone(),
        template,
        docs: model_docs(model),
        kind,
    }
}

fn model_docs(model: &Model) -> Vec<String> {
    let mut docs = Vec::new();
    if let Some(title) = &model.title {
        docs.extend(doc_lines(title));
    }
    if let Some(description) = &model.description {
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.extend(doc_lines(description));
    }
    if docs.is_empty() {
        docs.push(format!(
            "The `{}` schema.",
            model.name.wire.replace('`', "'")
        ));
    }
    docs
}

fn struct_context(api: &Api, model: &Model, s: &StructModel) -> StructContext {
    let mut context = StructContext::default();
    for field in &s.fields {
        let plain = rust_type(&field.ty);
        let base = if field.boxed { boxed(&plain) } else { plain };
        let default = field
            .default
            .as_ref()
            .and_then(|value| default_expr(api, &field.ty, value));
        // The arguments of the field's one `#[serde(...)]` attribute.
        let mut attrs = Vec::new();
        if field.name.wire != names::unraw(&field.name.rust) {
            attrs.push(format!("rename = {}", literal(&field.name.wire)));
        }
        // Required fields the caller can set are constructor arguments; a nullable one is
        // passed as an `Option`, any other as the value itself.
        let argument_value = (field.required && !field.read_only).then(|| {
            let name = field.name.rust.clone();
            let (ty, value) = if field.nullable {
                (option(&base), name.clone())
            } else {
                let (arg_ty, convert) = argument(&field.ty);
                let value = format!("{name}{convert}");
                let value = if field.boxed {
                    format!("::std::boxed::Box::new({value})")
                } else {
                    value
                };
                (arg_ty, value)
            };
            context.ctor_args.push(ArgContext { name, ty });
            value
        });
        let (ty, init) = match field.storage {
            Storage::Plain => (base.clone(), argument_value.unwrap_or_default()),
            Storage::Defaulted => {
                let function = format!(
                    "default_{}",
                    names::unraw(&field.name.rust).trim_end_matches('_')
                );
                attrs.push(format!("default = {}", literal(&function)));
                context.defaults.push(DefaultContext {
                    function: function.clone(),
                    ty: base.clone(),
                    expr: default.unwrap_or_default(),
                });
                (base, format!("{function}()"))
            }
            Storage::Optional => {
                if model.in_response && field.required && !field.nullable {
                    // A forbidden `null` is then dropped with a warning naming its path (or,
                    // with strict decoding, an error), rather than passing as a silent `None`.
                    attrs.push(
                        "deserialize_with = \"::sailpoint_sdk_runtime::non_null\"".to_string(),
                    );
                }
                if field.required && field.nullable {
                    // The key must be present, so `None` is sent as `null`.
                    attrs.push("default".to_string());
                } else {
                    attrs.push(
                        "default, skip_serializing_if = \"::std::option::Option::is_none\""
                            .to_string(),
                    );
                }
                let init = match argument_value {
                    Some(value) if field.nullable => value,
                    Some(value) => format!("::std::option::Option::Some({value})"),
                    None => "::std::option::Option::None".to_string(),
                };
                (option(&base), init)
            }
        };
        let mut docs = field
            .description
            .as_deref()
            .map(doc_lines)
            .unwrap_or_default();
        notes(model, field, &mut docs);
        let attrs = if attrs.is_empty() {
            Vec::new()
        } else {
            vec![format!("#[serde({})]", attrs.join(", "))]
        };
        let init = member_init(&field.name.rust, &init);
        context.fields.push(FieldContext {
            name: field.name.rust.clone(),
            ty,
            docs,
            attrs,
            init,
        });
    }
    if let (Some(extra), Some(name)) = (&s.additional, &s.additional_name) {
        context.fields.push(FieldContext {
            name: name.clone(),
            ty: format!(
                "::std::collections::BTreeMap<{}, {}>",
                super::types::STRING,
                rust_type(extra)
            ),
            docs: vec!["Members the schema does not name (`additionalProperties`).".to_string()],
            attrs: vec!["#[serde(flatten)]".to_string()],
            init: format!("{name}: ::std::collections::BTreeMap::new()"),
        });
    }
    context.many_args = context.ctor_args.len() > 7;
    context
}

/// The notes a field's doc comment ends with.
fn notes(model: &Model, field: &Field, docs: &mut Vec<String>) {
    let mut notes = Vec::new();
    if field.required && model.in_response && !field.nullable {
        notes.push(
            "Required by the description; `None` only when a server leaves it out.".to_string(),
        );
    }
    if field.read_only {
        notes.push("Read-only: set by the server.".to_string());
    }
    if let Some(default) = &field.default {
        notes.push(format!("Default: `{default}`."));
    }
    if field.deprecated {
        notes.push("Deprecated by the description.".to_string());
    }
    if !notes.is_empty() {
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.extend(notes);
    }
}
