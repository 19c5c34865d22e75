//! The page of one model: its members (or values, or variants), and an example that decodes.

use super::escape::{self, block, cell, code};
use super::types::{self, link, linked};
use super::{examples, DocsSettings, FrontMatter, Slugs};
use crate::ir::{Api, Model, ModelKind, Storage, TypeRef};
use crate::names;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
pub struct ModelPage {
    pub front: FrontMatter,
    pub header: String,
    pub name: String,
    /// `struct`, `enum`, `type` or `untagged enum`, for the first sentence.
    pub kind: &'static str,
    pub path: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub properties: Vec<PropertyRow>,
    pub values: Vec<ValueRow>,
    /// Set for enums that list `null`.
    pub nullable_enum: bool,
    pub variants: Vec<VariantRow>,
    /// The aliased type of an alias.
    pub alias: Option<String>,
    /// Links to the operations and models that use this model.
    pub used_by: Vec<String>,
    pub example: String,
}

#[derive(Serialize)]
pub struct PropertyRow {
    pub name: String,
    pub ty: String,
    pub description: String,
    pub notes: String,
}

#[derive(Serialize)]
pub struct ValueRow {
    pub variant: String,
    pub wire: String,
}

#[derive(Serialize)]
pub struct VariantRow {
    pub name: String,
    pub ty: String,
}

pub fn page(
    api: &Api,
    model: &Model,
    settings: &DocsSettings,
    slugs: &Slugs,
    header: &str,
    usage: &Usage,
) -> ModelPage {
    let name = model.name.rust.clone();
    let slug = slugs.model(&name).unwrap_or_default();
    let mut page = ModelPage {
        front: settings.front_matter(&name, "models", slug),
        header: header.to_string(),
        kind: "",
        path: code(&format!("{}::models::{name}", api.lib_name)),
        title: model
            .title
            .as_deref()
            .map(cell)
            .filter(|t| !t.is_empty() && *t != name),
        description: model
            .description
            .as_deref()
            .map(block)
            .filter(|d| !d.is_empty()),
        properties: Vec::new(),
        values: Vec::new(),
        nullable_enum: false,
        variants: Vec::new(),
        alias: None,
        used_by: usage.get(&model.name.rust).cloned().unwrap_or_default(),
        example: examples::model(api, model),
        name,
    };
    match &model.kind {
        ModelKind::Struct(s) => {
            page.kind = "struct";
            for field in &s.fields {
                let base = if field.boxed {
                    format!("Box<{}>", types::short(&field.ty))
                } else {
                    types::short(&field.ty)
                };
                let stored = match field.storage {
                    Storage::Optional => format!("Option<{base}>"),
                    Storage::Plain | Storage::Defaulted => base,
                };
                let mut notes = vec![if field.required {
                    "[required]"
                } else {
                    "[optional]"
                }
                .to_string()];
                if field.read_only {
                    notes.push("[readonly]".to_string());
                }
                if field.nullable {
                    notes.push("[nullable]".to_string());
                }
                if let Some(default) = &field.default {
                    notes.push(format!(
                        "[default to {}]",
                        cell(&super::default_value(default))
                    ));
                }
                if field.deprecated {
                    notes.push("[deprecated]".to_string());
                }
                if field.name.wire != names::unraw(&field.name.rust) {
                    notes.push(format!("[JSON name {}]", cell(&code(&field.name.wire))));
                }
                page.properties.push(PropertyRow {
                    name: format!("**{}**", escape::plain(&field.name.rust)),
                    ty: link(&stored, types::named(&field.ty), slugs),
                    description: field.description.as_deref().map(cell).unwrap_or_default(),
                    notes: notes.join(" "),
                });
            }
            if let (Some(extra), Some(name)) = (&s.additional, &s.additional_name) {
                let ty = TypeRef::Map(Box::new(extra.clone()));
                page.properties.push(PropertyRow {
                    name: format!("**{}**", escape::plain(name)),
                    ty: linked(&ty, slugs),
                    description: "Members the schema does not name (`additionalProperties`)."
                        .to_string(),
                    notes: "[flattened]".to_string(),
                });
            }
        }
        ModelKind::Enum(e) => {
            page.kind = "enum";
            page.nullable_enum = e.nullable;
            page.values = e
                .variants
                .iter()
                .map(|v| ValueRow {
                    variant: code(&v.name.rust),
                    wire: code(&format!("{:?}", v.name.wire)),
                })
                .collect();
        }
        ModelKind::Alias(ty) => {
            page.kind = "type";
            page.alias = Some(linked(ty, slugs));
        }
        ModelKind::Union(u) => {
            page.kind = "untagged enum";
            page.variants = u
                .variants
                .iter()
                .map(|v| {
                    let ty = if v.boxed {
                        format!("Box<{}>", types::short(&v.ty))
                    } else {
                        types::short(&v.ty)
                    };
                    VariantRow {
                        name: code(&v.name),
                        ty: link(&ty, types::named(&v.ty), slugs),
                    }
                })
                .collect();
        }
    }
    page
}

/// For each model, the operations (by their methods) and the models whose members use it, in
/// the order of `api.operations` then `api.models`. Built once for all pages: looking the users
/// of each model up separately would cost models × (operations + models).
pub type Usage = BTreeMap<String, Vec<String>>;

pub fn usage(api: &Api, slugs: &Slugs) -> Usage {
    let mut usage = Usage::new();
    let mut note = |types: Vec<&TypeRef>, entry: &dyn Fn() -> String| {
        let mut names: Vec<&str> = types.into_iter().filter_map(types::named).collect();
        names.sort_unstable();
        names.dedup();
        if names.is_empty() {
            return;
        }
        let entry = entry();
        for name in names {
            usage
                .entry(name.to_string())
                .or_default()
                .push(entry.clone());
        }
    };
    for op in &api.operations {
        let mut types: Vec<&TypeRef> = op.parameters.iter().map(|p| &p.ty).collect();
        types.extend(op.body.iter().map(|b| &b.ty));
        types.extend(op.responses.iter().filter_map(|r| r.ty.as_ref()));
        note(types, &|| {
            let tag = &api.tags[op.tag];
            let method = code(&format!("{}::{}", tag.name.rust, op.name.rust));
            format!("[{method}](../methods/{}#{})", slugs.tag(op.tag), op.kebab)
        });
    }
    for other in &api.models {
        let types: Vec<&TypeRef> = match &other.kind {
            ModelKind::Struct(s) => s
                .fields
                .iter()
                .map(|f| &f.ty)
                .chain(s.additional.iter())
                .collect(),
            ModelKind::Alias(ty) => vec![ty],
            ModelKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
            ModelKind::Enum(_) => Vec::new(),
        };
        note(types, &|| {
            link(&other.name.rust, Some(&other.name.rust), slugs)
        });
    }
    usage
}
