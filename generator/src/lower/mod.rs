//! Stage 3: the loaded description to the IR.
//!
//! Reads the root with `openapiv3` for the document's skeleton (info, servers, tags, security
//! schemes) and walks operations and schemas as JSON values: `openapiv3`'s `ReferenceOr` drops
//! the keywords beside a `$ref` (`nullable`, `description`) and keeps no positions, and both
//! matter here. Names are claimed in a fixed order (components first, then operations in path
//! order), so the output never depends on hash order or file-system order.

mod operations;
mod parameters;
pub use parameters::{path_template_names, stray_binding};
mod responses;
mod schema;
mod variants;
mod webhooks;

use crate::diagnostics::Diagnostics;
use crate::ir::{Api, Model, Operation, SecurityScheme, Server, ServerVariable, Tag};
use crate::load::{Place, Sources};
use crate::names::{self, Scope};
use crate::options::Options;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, VecDeque};

pub(crate) struct Lowerer<'a> {
    pub(crate) sources: &'a Sources,
    pub(crate) diags: &'a mut Diagnostics,
    pub(crate) model_ids: BTreeMap<Place, String>,
    /// The place of each model by its Rust name, lowercased as `Scope` compares names.
    pub(crate) model_places: BTreeMap<String, Place>,
    pub(crate) model_scope: Scope,
    pub(crate) pending: VecDeque<(Place, String, String)>,
    pub(crate) models: BTreeMap<String, Model>,
}

/// Lowers the description; findings go to `diags`.
pub fn lower(
    sources: &Sources,
    document: &openapiv3::OpenAPI,
    options: &Options,
    diags: &mut Diagnostics,
) -> Api {
    let mut lowerer = Lowerer {
        sources,
        diags,
        model_ids: BTreeMap::new(),
        model_places: BTreeMap::new(),
        model_scope: Scope::new(),
        pending: VecDeque::new(),
        models: BTreeMap::new(),
    };
    let root = Place::new(sources.root.clone(), "");
    // Phase one: every component schema gets its name before anything is converted.
    let component_names: Vec<String> = document
        .components
        .iter()
        .flat_map(|c| c.schemas.keys().cloned())
        .collect();
    for name in &component_names {
        let place = root.join("components").join("schemas").join(name);
        match sources.resolve(&place) {
            Ok((target, _)) => {
                lowerer.model_for(&target, Some(name));
            }
            Err((at, message)) => lowerer.diags.error(at.location(), message),
        }
    }
    let mut tags = tags(document);
    let operations = lowerer.operations(document, &mut tags);
    lowerer.webhook_models();
    lowerer.convert_pending();
    let package_name = options
        .package_name
        .clone()
        .unwrap_or_else(|| names::kebab(&document.info.title));
    let security_schemes = security_schemes(document);
    warn_undeclared_schemes(&operations, &security_schemes, lowerer.diags);
    let servers = servers(document);
    let version_path = options
        .version_path
        .clone()
        .unwrap_or_else(|| server_path(&servers));
    let docs_version = names::kebab(options.docs_version.as_deref().unwrap_or_else(|| {
        package_name
            .strip_prefix("sailpoint-")
            .unwrap_or(&package_name)
    }));
    Api {
        title: document.info.title.clone(),
        version: document.info.version.clone(),
        description: document.info.description.clone(),
        lib_name: package_name.replace('-', "_"),
        package_name,
        version_path,
        docs_version,
        servers,
        tags,
        operations,
        models: lowerer.models.into_values().collect(),
        security_schemes,
        renames: Vec::new(),
    }
}

/// A string member of a JSON object.
pub(crate) fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_string)
}

/// An empty JSON object, read where an object is expected and something else is found (other
/// checks report that), so the lowering can borrow every node instead of cloning it.
pub(crate) fn empty_map() -> &'static Map<String, Value> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Map::new)
}

/// The declared tags, in document order.
fn tags(document: &openapiv3::OpenAPI) -> Vec<Tag> {
    let mut tags = Vec::new();
    for tag in &document.tags {
        let index = tag_index(&mut tags, &tag.name);
        if tags[index].description.is_none() {
            tags[index].description = tag.description.clone();
        }
    }
    tags
}

/// The index of the tag named `wire`, added when it was not declared.
pub(crate) fn tag_index(tags: &mut Vec<Tag>, wire: &str) -> usize {
    if let Some(index) = tags.iter().position(|t| t.name.wire == wire) {
        return index;
    }
    let mut scope = Scope::new();
    for tag in tags.iter() {
        scope.reserve(&tag.name.rust);
    }
    let rust = scope.claim(names::suffixed(&names::pascal(wire), "Api"), wire);
    tags.push(Tag {
        module: names::snake(&rust),
        slug: names::kebab(wire),
        feature: String::new(),
        name: crate::ir::Name {
            wire: wire.to_string(),
            rust,
        },
        description: None,
    });
    tags.len() - 1
}

fn servers(document: &openapiv3::OpenAPI) -> Vec<Server> {
    document
        .servers
        .iter()
        .map(|s| Server {
            url: s.url.clone(),
            description: s.description.clone(),
            variables: s
                .variables
                .iter()
                .flat_map(|vars| vars.iter())
                .map(|(name, v)| ServerVariable {
                    name: name.clone(),
                    default: v.default.clone(),
                    description: v.description.clone(),
                })
                .collect(),
        })
        .collect()
}

/// The path of the first server URL (`https://{tenant}.api.identitynow.com/v2025` gives
/// `/v2025`; a relative URL such as `/beta` is a path already), without trailing `/`.
fn server_path(servers: &[Server]) -> String {
    let Some(url) = servers.first().map(|s| s.url.as_str()) else {
        return String::new();
    };
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => url,
    };
    path.trim_end_matches('/').to_string()
}

/// A requirement naming a scheme `components.securitySchemes` does not declare (v2024 and v2025
/// name a `UserContextAuth` they never define): the client still sends its one bearer token,
/// which is what every SailPoint scheme takes, but a mock server refuses every such call.
fn warn_undeclared_schemes(
    operations: &[Operation],
    schemes: &[SecurityScheme],
    diags: &mut Diagnostics,
) {
    for op in operations {
        let undeclared: std::collections::BTreeSet<&str> = op
            .security
            .iter()
            .map(|s| s.scheme.as_str())
            .filter(|name| !schemes.iter().any(|s| s.name == *name))
            .collect();
        for name in undeclared {
            diags.warn(
                Place::new(op.origin.file.clone(), op.origin.pointer.clone())
                    .join("security")
                    .location(),
                format!(
                    "the security scheme `{name}` is not declared in `components.securitySchemes`"
                ),
                "the client's bearer token is sent, as for the declared schemes",
            );
        }
    }
}

fn security_schemes(document: &openapiv3::OpenAPI) -> Vec<SecurityScheme> {
    let Some(components) = &document.components else {
        return Vec::new();
    };
    components
        .security_schemes
        .iter()
        .filter_map(|(name, scheme)| scheme.as_item().map(|s| (name, s)))
        .map(|(name, scheme)| {
            let (kind, description, token_url) = match scheme {
                openapiv3::SecurityScheme::OAuth2 {
                    flows, description, ..
                } => (
                    "oauth2",
                    description.clone(),
                    flows
                        .client_credentials
                        .as_ref()
                        .map(|f| f.token_url.clone()),
                ),
                openapiv3::SecurityScheme::APIKey { description, .. } => {
                    ("apiKey", description.clone(), None)
                }
                openapiv3::SecurityScheme::HTTP { description, .. } => {
                    ("http", description.clone(), None)
                }
                openapiv3::SecurityScheme::OpenIDConnect { description, .. } => {
                    ("openIdConnect", description.clone(), None)
                }
            };
            SecurityScheme {
                name: name.clone(),
                kind: kind.to_string(),
                description,
                token_url,
            }
        })
        .collect()
}
