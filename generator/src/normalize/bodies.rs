//! Passes that decide how a form body is sent and how a search pages, once, for the API
//! emitter and the reference pages.

use crate::diagnostics::{Diagnostics, Location};
use crate::ir::{
    Api, FormField, FormFieldKind, ModelKind, ParamLocation, SearchPaging, Storage, Success,
    TypeRef,
};

/// Fills each form body's fields from its schema's model: one field per property, in
/// declaration order and with the model's field names, so the form reads like the schema.
/// `format: binary` becomes a file part, an array of it several, an object or a map a JSON
/// part, anything else text. A form whose schema is not an object gets no fields, with a
/// warning at the operation.
pub fn decide_forms(api: &mut Api, diags: &mut Diagnostics) {
    let models = &api.models;
    for op in &mut api.operations {
        let Some(body) = &mut op.body else { continue };
        let Some(form) = &mut body.form else { continue };
        let model = match &body.ty {
            TypeRef::Named(name) => models
                .binary_search_by(|m| m.name.rust.as_str().cmp(name))
                .ok()
                .map(|i| &models[i]),
            _ => None,
        };
        let Some(ModelKind::Struct(fields)) = model.map(|m| &m.kind) else {
            if body.ty != TypeRef::Any {
                diags.warn(
                    Location::new(op.origin.file.clone(), op.origin.pointer.clone()),
                    "the form body's schema is not an object with properties",
                    "the form has no fields",
                );
            }
            continue;
        };
        form.fields = fields
            .fields
            .iter()
            .filter(|f| !f.read_only)
            .map(|f| FormField {
                name: f.name.clone(),
                kind: field_kind(models, &f.ty),
                required: f.required && !f.nullable,
                description: f.description.clone(),
                example: f.example.clone(),
            })
            .collect();
    }
}

fn field_kind(models: &[crate::ir::Model], ty: &TypeRef) -> FormFieldKind {
    let is_binary = |t: &TypeRef| matches!(t, TypeRef::FormattedString(f) if f == "binary");
    match ty {
        t if is_binary(t) => FormFieldKind::File,
        TypeRef::Array(item) if is_binary(item) => FormFieldKind::Files,
        TypeRef::Map(_) | TypeRef::Any => FormFieldKind::Json(ty.clone()),
        TypeRef::Array(item) if !is_text(models, item) => FormFieldKind::Json(ty.clone()),
        TypeRef::Named(_) if !is_text(models, ty) => FormFieldKind::Json(ty.clone()),
        _ => FormFieldKind::Text(ty.clone()),
    }
}

/// Whether a value of `ty` is sent as plain text: a primitive, an enum, or an alias of one.
fn is_text(models: &[crate::ir::Model], ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(name) => {
            match models
                .binary_search_by(|m| m.name.rust.as_str().cmp(name))
                .ok()
                .map(|i| &models[i].kind)
            {
                Some(ModelKind::Enum(_)) => true,
                Some(ModelKind::Alias(inner)) => is_text(models, inner),
                _ => false,
            }
        }
        TypeRef::Array(_) | TypeRef::Map(_) | TypeRef::Any => false,
        _ => true,
    }
}

/// Marks the operations a search stream can page past 10,000 records: a required JSON body
/// whose model has `sort` and `searchAfter` (arrays of strings), and a success body that is an
/// array of records, and optional integer `limit` and `offset` query parameters. Runs after `decide_field_storage` and `decide_success`.
pub fn decide_search(api: &mut Api) {
    let models = &api.models;
    for op in &mut api.operations {
        op.search = None;
        let Some(body) = op.body.as_ref().filter(|b| b.required && !b.raw) else {
            continue;
        };
        let Success::Body {
            ty: TypeRef::Array(item),
            raw: false,
            optional: false,
        } = &op.success
        else {
            continue;
        };
        let TypeRef::Named(name) = &body.ty else {
            continue;
        };
        let Some(ModelKind::Struct(s)) = models
            .binary_search_by(|m| m.name.rust.as_str().cmp(name))
            .ok()
            .map(|i| &models[i].kind)
        else {
            continue;
        };
        let strings = |wire: &str| {
            s.fields.iter().find(|f| {
                f.name.wire == wire
                    && matches!(&f.ty, TypeRef::Array(i) if matches!(**i, TypeRef::String))
            })
        };
        let (Some(sort), Some(after)) = (strings("sort"), strings("searchAfter")) else {
            continue;
        };
        let query = |wire: &str| {
            op.parameters
                .iter()
                .find(|p| {
                    p.location == ParamLocation::Query
                        && !p.required
                        && p.name.wire == wire
                        && matches!(p.ty, TypeRef::Integer(_))
                })
                .map(|p| (p.name.rust.clone(), p.ty.clone()))
        };
        let (Some((limit, limit_ty)), Some((offset, offset_ty))) =
            (query("limit"), query("offset"))
        else {
            continue;
        };
        op.search = Some(SearchPaging {
            item: (**item).clone(),
            body: body.name.rust.clone(),
            sort: sort.name.rust.clone(),
            sort_optional: sort.storage == Storage::Optional,
            search_after: after.name.rust.clone(),
            search_after_optional: after.storage == Storage::Optional,
            limit,
            offset,
            limit_ty,
            offset_ty,
        });
    }
}
