//! Passes that decide, once, what both emitters need to agree on: the module of each model,
//! how each struct field is stored, and what each operation returns. The Rust emitter and the
//! reference pages only read these answers.

use crate::ir::{Api, ModelKind, Operation, Response, Storage, Success, TypeRef};
use crate::names::{self, Scope};

/// Gives every model its module under `src/models/`, claimed in one scope with `mod` reserved
/// (the folder's own `mod.rs`): a schema named `Mod` would otherwise be written over the
/// module that declares all the others. `models` is reserved too: a module of that name in
/// `models` trips clippy's `module_inception`. File names are the modules without `r#`, and
/// the scope compares names as those files do, so no two models share a file.
pub fn name_model_modules(api: &mut Api) {
    let mut scope = Scope::new();
    scope.reserve("mod");
    scope.reserve("models");
    for model in &mut api.models {
        model.module = scope.claim(names::snake(&model.name.rust), &model.name.wire);
    }
}

/// Decides how each struct field is stored: a plain value when the caller must give it and no
/// response reaches the model (a server may leave out what it calls required), a plain value
/// with its default when it is optional and has a default that fits (`check_defaults` runs
/// first), an `Option` otherwise.
pub fn decide_field_storage(api: &mut Api) {
    for model in &mut api.models {
        let in_response = model.in_response;
        if let ModelKind::Struct(s) = &mut model.kind {
            for field in &mut s.fields {
                field.storage =
                    if field.required && !field.nullable && !in_response && !field.read_only {
                        Storage::Plain
                    } else if !field.required
                        && !field.nullable
                        && !field.read_only
                        && field.default.is_some()
                    {
                        Storage::Defaulted
                    } else {
                        Storage::Optional
                    };
            }
        }
    }
}

/// Decides what a successful call of each operation returns (see `ir::Success`).
pub fn decide_success(api: &mut Api) {
    for op in &mut api.operations {
        op.success = success(op);
    }
}

fn success(op: &Operation) -> Success {
    let successes: Vec<&Response> = op
        .responses
        .iter()
        .filter(|r| r.status.is_success())
        .collect();
    if successes.is_empty() {
        return Success::Json;
    }
    // A body that is not JSON counts as one type of its own, whatever its schema.
    let body = |r: &Response| -> Option<(TypeRef, bool)> {
        if r.raw {
            Some((TypeRef::Any, true))
        } else {
            r.ty.clone().map(|ty| (ty, false))
        }
    };
    let mut bodies: Vec<(TypeRef, bool)> = successes.iter().filter_map(|r| body(r)).collect();
    bodies.dedup();
    let optional = successes.iter().any(|r| body(r).is_none());
    match bodies.as_slice() {
        [] => Success::Unit,
        [(ty, raw)] => Success::Body {
            ty: ty.clone(),
            raw: *raw,
            optional,
        },
        _ if optional => Success::Body {
            ty: TypeRef::Any,
            raw: false,
            optional,
        },
        _ => Success::Json,
    }
}
