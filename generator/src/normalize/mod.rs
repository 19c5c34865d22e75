//! Stage 4: IR → IR passes, each a named function run in a fixed order.

mod bodies;
mod decisions;
mod features;
mod links;

pub use bodies::{decide_forms, decide_search};
pub use decisions::{decide_field_storage, decide_success, name_model_modules};
pub use features::{assign_features, FULL};
pub use links::{link_replacements, CrateLinks};

use crate::diagnostics::{pointer_segment, Diagnostics, Location};
use crate::ir::{Api, ModelKind, Rename, TypeRef};
use crate::names::{self, Scope};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Runs every pass in order.
pub fn normalize(api: &mut Api, diags: &mut Diagnostics) {
    name_fields(api, diags);
    name_model_modules(api);
    mark_response_models(api);
    box_recursive_fields(api);
    check_defaults(api, diags);
    decide_field_storage(api);
    decide_success(api);
    decide_forms(api, diags);
    decide_search(api);
    order_operations(api);
    collect_renames(api);
    assign_features(api);
}

/// Gives every struct field its Rust name: fields are claimed in declaration order within their
/// struct, so `type` and `Type` in one struct become `r#type` and `type_2`. The map of extra
/// members, when there is one, takes the name `additional_properties` (suffixed if a property
/// already has it).
pub fn name_fields(api: &mut Api, diags: &mut Diagnostics) {
    for model in &mut api.models {
        if let ModelKind::Struct(s) = &mut model.kind {
            let mut scope = Scope::new();
            for field in &mut s.fields {
                let (rust, collision) =
                    scope.claim_reporting(names::snake(&field.name.wire), &field.name.wire);
                if let Some(collision) = collision {
                    diags.warn(
                        Location::new(
                            model.origin.file.clone(),
                            format!(
                                "{}/properties/{}",
                                model.origin.pointer,
                                pointer_segment(&field.name.wire)
                            ),
                        ),
                        format!(
                            "property names of `{}` collide: {collision}",
                            model.name.wire
                        ),
                        "the later property gets a numeric suffix; serde keeps the wire name",
                    );
                }
                field.name.rust = rust;
            }
            if s.additional.is_some() {
                s.additional_name = Some(scope.claim("additional_properties".to_string(), ""));
            }
        }
    }
}

fn named_in(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Named(name) => out.push(name.clone()),
        TypeRef::Array(inner) | TypeRef::Map(inner) => named_in(inner, out),
        _ => {}
    }
}

/// Models that a response reaches decode leniently (a required field the server leaves out is
/// `None`, not a decoding failure), so this pass marks every model reachable from a response.
pub fn mark_response_models(api: &mut Api) {
    let mut queue: VecDeque<String> = VecDeque::new();
    for op in &api.operations {
        for response in &op.responses {
            if let Some(ty) = &response.ty {
                let mut found = Vec::new();
                named_in(ty, &mut found);
                queue.extend(found);
            }
        }
    }
    let edges = model_edges(api, false);
    let mut reached = BTreeSet::new();
    while let Some(name) = queue.pop_front() {
        if reached.insert(name.clone()) {
            queue.extend(edges.get(&name).into_iter().flatten().cloned());
        }
    }
    for model in &mut api.models {
        model.in_response = reached.contains(&model.name.rust);
    }
}

/// Edges from each model to the models its members name; with `direct_only`, only the
/// members stored inline (not inside a `Vec` or a map, which already allocate).
fn model_edges(api: &Api, direct_only: bool) -> BTreeMap<String, Vec<String>> {
    let collect = |ty: &TypeRef, out: &mut Vec<String>| {
        if direct_only {
            if let TypeRef::Named(name) = ty {
                out.push(name.clone());
            }
        } else {
            named_in(ty, out);
        }
    };
    api.models
        .iter()
        .map(|model| {
            let mut out = Vec::new();
            match &model.kind {
                ModelKind::Struct(s) => {
                    for field in &s.fields {
                        collect(&field.ty, &mut out);
                    }
                    if let Some(extra) = &s.additional {
                        collect(extra, &mut out);
                    }
                }
                ModelKind::Union(u) => {
                    for variant in &u.variants {
                        collect(&variant.ty, &mut out);
                    }
                }
                ModelKind::Alias(ty) => collect(ty, &mut out),
                ModelKind::Enum(_) => {}
            }
            (model.name.rust.clone(), out)
        })
        .collect()
}

/// A struct that contains itself by value has infinite size: every field or union variant
/// whose model leads back to its own model through inline members gets a `Box`. A member from
/// model A to model B leads back exactly when A and B are in the same strongly connected
/// component of the graph of inline members, so the components are computed once (Tarjan).
pub fn box_recursive_fields(api: &mut Api) {
    let edges = model_edges(api, true);
    let component = strongly_connected_components(&edges);
    let same = |a: &str, b: &str| component.contains_key(a) && component.get(a) == component.get(b);
    for model in &mut api.models {
        let own = model.name.rust.clone();
        match &mut model.kind {
            ModelKind::Struct(s) => {
                for field in &mut s.fields {
                    if let TypeRef::Named(target) = &field.ty {
                        field.boxed = same(target, &own);
                    }
                }
            }
            ModelKind::Union(u) => {
                for variant in &mut u.variants {
                    if let TypeRef::Named(target) = &variant.ty {
                        variant.boxed = same(target, &own);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The component index of every node, by Tarjan's algorithm, iterative so that deep graphs
/// cannot overflow the stack.
fn strongly_connected_components(edges: &BTreeMap<String, Vec<String>>) -> BTreeMap<String, usize> {
    let nodes: Vec<&String> = edges.keys().collect();
    let index_of: BTreeMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let successors: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            edges[*n]
                .iter()
                .filter_map(|t| index_of.get(t.as_str()).copied())
                .collect()
        })
        .collect();
    let count = nodes.len();
    let mut index = vec![usize::MAX; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut stack = Vec::new();
    let mut component = vec![usize::MAX; count];
    let mut next_index = 0;
    let mut next_component = 0;
    for start in 0..count {
        if index[start] != usize::MAX {
            continue;
        }
        // Each frame: a node and the position of the next successor to visit.
        let mut frames = vec![(start, 0usize)];
        index[start] = next_index;
        low[start] = next_index;
        next_index += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (node, ref mut position)) = frames.last_mut() {
            if let Some(&next) = successors[node].get(*position) {
                *position += 1;
                if index[next] == usize::MAX {
                    index[next] = next_index;
                    low[next] = next_index;
                    next_index += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    frames.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    nodes
        .into_iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), component[i]))
        .collect()
}

/// Drops a `default` that does not fit its field's type, with a warning: emitting it would not
/// compile, and guessing a conversion would invent a value.
pub fn check_defaults(api: &mut Api, diags: &mut Diagnostics) {
    let aliases: BTreeMap<String, TypeRef> = api
        .models
        .iter()
        .filter_map(|m| match &m.kind {
            ModelKind::Alias(ty) => Some((m.name.rust.clone(), ty.clone())),
            _ => None,
        })
        .collect();
    let enum_values: BTreeMap<String, Vec<String>> = api
        .models
        .iter()
        .filter_map(|m| match &m.kind {
            ModelKind::Enum(e) => Some((
                m.name.rust.clone(),
                e.variants.iter().map(|v| v.name.wire.clone()).collect(),
            )),
            _ => None,
        })
        .collect();
    for model in &mut api.models {
        let origin = model.origin.clone();
        if let ModelKind::Struct(s) = &mut model.kind {
            for field in &mut s.fields {
                let Some(default) = &field.default else {
                    continue;
                };
                // `default: null` says no more than leaving the member out.
                if default.is_null() {
                    field.default = None;
                    continue;
                }
                if !default_fits(&resolve_alias(&field.ty, &aliases), default, &enum_values) {
                    diags.warn(
                        Location::new(
                            origin.file.clone(),
                            format!(
                                "{}/properties/{}/default",
                                origin.pointer,
                                pointer_segment(&field.name.wire)
                            ),
                        ),
                        format!(
                            "the default `{default}` of `{}.{}` does not match its type",
                            model.name.wire, field.name.wire
                        ),
                        "the default is ignored",
                    );
                    field.default = None;
                }
            }
        }
    }
    for op in &mut api.operations {
        for param in &mut op.parameters {
            let Some(default) = &param.default else {
                continue;
            };
            if default.is_null() {
                param.default = None;
                continue;
            }
            if !default_fits(&resolve_alias(&param.ty, &aliases), default, &enum_values) {
                diags.warn(
                    Location::new(
                        param.origin.file.clone(),
                        format!("{}/schema/default", param.origin.pointer),
                    ),
                    format!(
                        "the default `{default}` of parameter `{}` does not match its type",
                        param.name.wire
                    ),
                    "the default is ignored",
                );
                param.default = None;
            }
        }
    }
}

/// The type behind a chain of named aliases.
fn resolve_alias(ty: &TypeRef, aliases: &BTreeMap<String, TypeRef>) -> TypeRef {
    let mut current = ty.clone();
    for _ in 0..16 {
        match &current {
            TypeRef::Named(name) => match aliases.get(name) {
                Some(target) => current = target.clone(),
                None => break,
            },
            _ => break,
        }
    }
    current
}

/// Whether a default can be written as a Rust value of `ty`.
pub fn default_fits(
    ty: &TypeRef,
    value: &serde_json::Value,
    enums: &BTreeMap<String, Vec<String>>,
) -> bool {
    use serde_json::Value;
    match (ty, value) {
        (TypeRef::String | TypeRef::FormattedString(_), Value::String(_)) => true,
        (TypeRef::Integer(crate::ir::IntWidth::I32), Value::Number(n)) => {
            n.as_i64().is_some_and(|v| i32::try_from(v).is_ok())
        }
        (TypeRef::Integer(crate::ir::IntWidth::I64), Value::Number(n)) => n.as_i64().is_some(),
        (TypeRef::Number, Value::Number(_)) => true,
        (TypeRef::Boolean, Value::Bool(_)) => true,
        (TypeRef::Array(_), Value::Array(items)) => items.is_empty(),
        (TypeRef::Named(name), Value::String(s)) => {
            enums.get(name).is_some_and(|values| values.contains(s))
        }
        _ => false,
    }
}

/// Operations in the order of their tag, then by kebab-case id: the source document's order.
pub fn order_operations(api: &mut Api) {
    api.operations
        .sort_by(|a, b| (a.tag, &a.kebab).cmp(&(b.tag, &b.kebab)));
}

/// Records every name that had to change beyond case conversion, for the docs.
pub fn collect_renames(api: &mut Api) {
    let mut renames = BTreeSet::new();
    let mut note = |wire: &str, rust: &str, context: String| {
        if let Some(reason) = names::rename_reason(wire, rust) {
            renames.insert(Rename {
                wire: wire.to_string(),
                rust: rust.to_string(),
                context,
                reason: reason.to_string(),
            });
        }
    };
    for model in &api.models {
        note(&model.name.wire, &model.name.rust, "model".to_string());
        match &model.kind {
            ModelKind::Struct(s) => {
                for field in &s.fields {
                    note(
                        &field.name.wire,
                        &field.name.rust,
                        format!("field of {}", model.name.rust),
                    );
                }
            }
            ModelKind::Enum(e) => {
                for variant in &e.variants {
                    note(
                        &variant.name.wire,
                        &variant.name.rust,
                        format!("value of {}", model.name.rust),
                    );
                }
            }
            _ => {}
        }
    }
    for op in &api.operations {
        note(&op.name.wire, &op.name.rust, "operation".to_string());
        for param in &op.parameters {
            note(
                &param.name.wire,
                &param.name.rust,
                format!("parameter of {}", op.name.rust),
            );
        }
    }
    api.renames = renames.into_iter().collect();
}

#[cfg(test)]
mod tests {
    use super::strongly_connected_components;
    use std::collections::BTreeMap;

    #[test]
    fn components_group_cycles_only() {
        let edges: BTreeMap<String, Vec<String>> = [
            ("A", vec!["B"]),
            ("B", vec!["A", "C"]),
            ("C", vec![]),
            ("D", vec!["D"]),
            ("E", vec!["C"]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into_iter().map(str::to_string).collect()))
        .collect();
        let c = strongly_connected_components(&edges);
        assert_eq!(c["A"], c["B"]);
        assert_ne!(c["A"], c["C"]);
        assert_ne!(c["C"], c["E"]);
        assert_ne!(c["D"], c["A"]);
    }
}
