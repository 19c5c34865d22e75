//! Paths to IR operations: the one walk over path items (shared with webhooks), names,
//! tags, security, deprecation and pagination. Parameters, bodies and responses are read in
//! their own modules.

use super::text;
use super::Lowerer;
use crate::ir::{
    Deprecation, Method, Name, Operation, Origin, Pagination, ParamLocation, Parameter, Response,
    SecurityRequirement, Success, Tag, TypeRef,
};
use crate::load::Place;
use crate::names::{self, Scope};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

impl<'a> Lowerer<'a> {
    pub(crate) fn operations(
        &mut self,
        document: &openapiv3::OpenAPI,
        tags: &mut Vec<Tag>,
    ) -> Vec<Operation> {
        let root = Place::new(self.sources.root.clone(), "");
        let views = self.path_item_operations(&root.join("paths"));
        let mut operations = Vec::new();
        let mut seen_ids: BTreeMap<String, Place> = BTreeMap::new();
        let mut type_scope = Scope::new();
        // Method names are unique within their API type.
        let mut method_scopes: BTreeMap<usize, Scope> = BTreeMap::new();
        let default_security = requirements(document.security.as_deref().unwrap_or(&[]));
        // The API types share the module of the builders and error types, so every tag is
        // known, and its type name reserved, before an operation claims a type name.
        for view in &views {
            super::tag_index(tags, first_tag(view.op).unwrap_or("Default"));
        }
        for tag in tags.iter() {
            type_scope.reserve(&tag.name.rust);
        }
        for view in &views {
            let (method, path, op, op_place) = (view.method, view.key, view.op, &view.place);
            let wire_id = match op.get("operationId").and_then(Value::as_str) {
                Some(id) if !id.trim().is_empty() => id.to_string(),
                _ => {
                    let derived = derive_operation_id(method, path);
                    self.diags.warn(
                        op_place.location(),
                        "the operation has no `operationId`",
                        format!("named `{derived}` after its method and path"),
                    );
                    derived
                }
            };
            if let Some(first) = seen_ids.get(&wire_id) {
                self.diags.error_hint(
                    op_place.join("operationId").location(),
                    format!("duplicate operationId `{wire_id}`"),
                    format!("first used at {}", first.location()),
                );
                continue;
            }
            seen_ids.insert(wire_id.clone(), op_place.join("operationId"));
            let builder = type_scope.claim(names::pascal(&wire_id), &wire_id);
            let error_type = type_scope.claim(names::suffixed(&builder, "Error"), &wire_id);
            let form_type = self
                .has_form_body(op_place)
                .then(|| type_scope.claim(names::suffixed(&builder, "Form"), &wire_id));
            let tag = super::tag_index(tags, first_tag(op).unwrap_or("Default"));
            let method_scope = method_scopes.entry(tag).or_insert_with(|| {
                let mut scope = Scope::new();
                scope.reserve("new");
                scope
            });
            let method_name = method_scope.claim(names::snake(&wire_id), &wire_id);
            let operation = self.operation(OperationInput {
                method_name,
                wire_id,
                builder,
                error_type,
                form_type,
                tag,
                view,
                default_security: &default_security,
            });
            operations.push(operation);
        }
        operations
    }

    /// Every operation of the path items in the map at `container` (`/paths`, `/webhooks`),
    /// in document order and then method order, borrowed from the loaded sources. Operations
    /// and webhooks are both read through this one walk.
    pub(crate) fn path_item_operations(&mut self, container: &Place) -> Vec<OperationView<'a>> {
        let sources: &'a crate::load::Sources = self.sources;
        let Some(items) = sources.get(container).and_then(Value::as_object) else {
            return Vec::new();
        };
        let mut views = Vec::new();
        for key in items.keys() {
            let (item_place, item) = match sources.resolve(&container.join(key)) {
                Ok((place, value)) => (place, value.as_object().unwrap_or(super::empty_map())),
                Err((at, message)) => {
                    self.diags.error(at.location(), message);
                    continue;
                }
            };
            for method in Method::ALL {
                let Some(op) = item.get(method.key()).and_then(Value::as_object) else {
                    continue;
                };
                views.push(OperationView {
                    key,
                    method,
                    op,
                    place: item_place.join(method.key()),
                    item,
                    item_place: item_place.clone(),
                });
            }
        }
        views
    }

    fn operation(&mut self, input: OperationInput<'_, 'a>) -> Operation {
        let OperationInput {
            wire_id,
            method_name,
            builder,
            error_type,
            form_type,
            tag,
            view,
            default_security,
        } = input;
        let (method, path, op, place) = (view.method, view.key, view.op, &view.place);
        // The parameters and the body share one namespace with the builder's own members.
        let mut scope = builder_scope();
        let (parameters, experimental) = self.parameters(view, &builder, &mut scope);
        let body = self.request_body(op, place, &builder, form_type, &mut scope);
        let responses = self.responses(op, place, &builder);
        let security = match op.get("security") {
            Some(value) => {
                serde_json::from_value::<Vec<openapiv3::SecurityRequirement>>(value.clone())
                    .map(|s| requirements(&s))
                    .unwrap_or_else(|_| {
                        self.diags.warn(
                            place.join("security").location(),
                            "`security` is not a list of requirements",
                            "ignored",
                        );
                        default_security.to_vec()
                    })
            }
            None => default_security.to_vec(),
        };
        let deprecated =
            (op.get("deprecated").and_then(Value::as_bool) == Some(true)).then(|| Deprecation {
                note: op
                    .get("x-deprecated-description")
                    .and_then(Value::as_str)
                    .map(|s| s.trim().to_string()),
                replacement: None,
            });
        let pagination = pagination(&parameters, &responses);
        Operation {
            kebab: names::kebab(&wire_id),
            name: Name {
                rust: method_name,
                wire: wire_id,
            },
            builder,
            error_type,
            method,
            path: path.to_string(),
            tag,
            summary: text(op, "summary"),
            description: text(op, "description"),
            deprecated,
            parameters,
            body,
            responses,
            anonymous: is_anonymous(op),
            security,
            user_levels: op
                .get("x-sailpoint-userLevels")
                .and_then(Value::as_array)
                .map(|levels| {
                    levels
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            experimental,
            pagination,
            search: None,
            success: Success::Json,
            origin: Origin {
                file: place.file.clone(),
                pointer: place.pointer.clone(),
            },
        }
    }
}

/// The namespace of a request builder's fields and setters, with the members every builder has
/// (`templates/rust/api.rs.tera`: the `client` field, `request`, `send`, `send_full`,
/// `into_stream`, `into_search_stream`, and `clone`, which the streams call) and the API type's `new`, which
/// shares the argument list.
pub(crate) fn builder_scope() -> Scope {
    let mut scope = Scope::new();
    for reserved in [
        "client",
        "send",
        "send_full",
        "request",
        "into_stream",
        "into_search_stream",
        "clone",
        "new",
    ] {
        scope.reserve(reserved);
    }
    scope
}

struct OperationInput<'v, 'a> {
    wire_id: String,
    method_name: String,
    builder: String,
    error_type: String,
    /// The form type's name, when the body is sent as a form.
    form_type: Option<String>,
    tag: usize,
    view: &'v OperationView<'a>,
    default_security: &'v [SecurityRequirement],
}

/// One operation of a path item, borrowed from the loaded sources.
pub(crate) struct OperationView<'a> {
    /// The path (`/accounts/{id}`) or the webhook's name.
    pub(crate) key: &'a str,
    pub(crate) method: Method,
    pub(crate) op: &'a Map<String, Value>,
    pub(crate) place: Place,
    pub(crate) item: &'a Map<String, Value>,
    pub(crate) item_place: Place,
}

/// The tag an operation is filed under: its first.
fn first_tag(op: &Map<String, Value>) -> Option<&str> {
    op.get("tags")
        .and_then(Value::as_array)
        .and_then(|t| t.first())
        .and_then(Value::as_str)
}

/// Only an explicit anonymous requirement (`security: [{}]`, which SailPoint writes for its
/// public discovery endpoints) makes an operation anonymous. `security: []` is OpenAPI's
/// "no security" too, but v3's `getScheduledSearch` says it of an endpoint that surely needs a
/// token, so that (and no security anywhere) keeps the token: a token too many is harmless, a
/// missing one breaks the call.
fn is_anonymous(op: &Map<String, Value>) -> bool {
    op.get("security")
        .and_then(Value::as_array)
        .is_some_and(|list| {
            !list.is_empty()
                && list
                    .iter()
                    .all(|requirement| requirement.as_object().is_some_and(Map::is_empty))
        })
}

fn requirements(security: &[openapiv3::SecurityRequirement]) -> Vec<SecurityRequirement> {
    security
        .iter()
        .flat_map(|req| {
            req.iter().map(|(scheme, scopes)| SecurityRequirement {
                scheme: scheme.clone(),
                scopes: scopes.clone(),
            })
        })
        .collect()
}

fn derive_operation_id(method: Method, path: &str) -> String {
    let words: String = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_matches(|c| c == '{' || c == '}'))
        .collect::<Vec<_>>()
        .join(" ");
    names::snake(&format!("{} {words}", method.key()))
        .trim_start_matches("r#")
        .to_string()
}

/// An operation pages with offset/limit when it takes optional integer `offset` and `limit`
/// query parameters (the stream sets them page by page) and its success body is an array.
fn pagination(parameters: &[Parameter], responses: &[Response]) -> Option<Pagination> {
    let find = |name: &str| {
        parameters.iter().find(|p| {
            p.location == ParamLocation::Query
                && p.name.wire == name
                && matches!(p.ty, TypeRef::Integer(_))
        })
    };
    let (limit, offset) = (find("limit")?, find("offset")?);
    if limit.required || offset.required {
        return None;
    }
    // The stream yields the items of the one success body; any other success shape (a second
    // body type, a status without a body) would not be a page.
    let mut bodies = responses
        .iter()
        .filter(|r| r.status.is_success())
        .map(|r| r.ty.as_ref());
    let first = bodies.next()??;
    if bodies.any(|other| other != Some(first)) {
        return None;
    }
    match first {
        TypeRef::Array(item) => Some(Pagination {
            item: (**item).clone(),
            limit: limit.name.rust.clone(),
            offset: offset.name.rust.clone(),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_operation_ids() {
        assert_eq!(
            derive_operation_id(Method::Get, "/accounts/{id}/entitlements"),
            "get_accounts_id_entitlements"
        );
    }
}
