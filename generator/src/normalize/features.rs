//! The cargo feature of each tag, and which features compile each model.
//!
//! A user who needs one tag should not compile five hundred operations: every tag is a cargo
//! feature that compiles its API and exactly the models its operations reach, transitively.
//! Both emitters (the crate's `cfg`s and the pages' doctests) read the result from the IR.

use super::{model_edges, named_in};
use crate::ir::{Api, Operation};
use crate::names::{self, Scope};
use std::collections::{BTreeMap, BTreeSet};

/// The feature that turns every tag on; models no operation reaches compile with it.
pub const FULL: &str = "full";

/// Names each tag's feature after its slug (cargo's `default` and our `full` are taken first, so
/// a tag named `Full` becomes `full_2`) and gives every model the sorted features of the tags
/// whose operations reach it. A model that no operation reaches (a webhook payload, a component
/// schema nothing uses) compiles with `full` only. Tag slugs are made unique here too (the
/// methods folder's `index` page is taken), since pages and cross-crate links both use them.
pub fn assign_features(api: &mut Api) {
    let mut features = Scope::new();
    features.reserve("default");
    features.reserve(FULL);
    let mut slugs = Scope::new();
    slugs.reserve("index");
    for tag in &mut api.tags {
        tag.feature = features.claim(names::kebab(&tag.name.wire), &tag.name.wire);
        tag.slug = slugs
            .claim(names::kebab(&tag.slug), &tag.name.wire)
            .replace('_', "-");
    }
    let edges = model_edges(api, false);
    let mut reached: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for tag in 0..api.tags.len() {
        let feature = &api.tags[tag].feature;
        let mut queue: Vec<String> = Vec::new();
        for op in api.operations_of(tag) {
            types_of(op, &mut queue);
        }
        let mut seen = BTreeSet::new();
        while let Some(name) = queue.pop() {
            if seen.insert(name.clone()) {
                queue.extend(edges.get(&name).into_iter().flatten().cloned());
            }
        }
        for name in seen {
            reached.entry(name).or_default().insert(feature.clone());
        }
    }
    for model in &mut api.models {
        model.features = match reached.remove(&model.name.rust) {
            Some(features) => features.into_iter().collect(),
            None => vec![FULL.to_string()],
        };
    }
}

/// The models an operation names directly: parameters, body, responses and their headers.
fn types_of(op: &Operation, out: &mut Vec<String>) {
    for param in &op.parameters {
        named_in(&param.ty, out);
    }
    if let Some(body) = &op.body {
        named_in(&body.ty, out);
    }
    for response in &op.responses {
        if let Some(ty) = &response.ty {
            named_in(ty, out);
        }
        for header in &response.headers {
            named_in(&header.ty, out);
        }
    }
    if let Some(pagination) = &op.pagination {
        named_in(&pagination.item, out);
    }
}
