//! Paths and operations to IR operations.

use super::schema::Typed;
use super::Lowerer;
use crate::ir::{
    Deprecation, Example, Method, Name, Operation, Origin, Pagination, ParamLocation, Parameter,
    RequestBody, Response, ResponseHeader, SecurityRequirement, Status, Tag, TypeRef,
};
use crate::load::Place;
use crate::names::{self, Scope};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Media types whose bodies are JSON.
pub(crate) fn is_json(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or(media)
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

impl Lowerer<'_> {
    pub(crate) fn operations(
        &mut self,
        document: &openapiv3::OpenAPI,
        tags: &mut Vec<Tag>,
    ) -> Vec<Operation> {
        let root = Place::new(self.sources.root.clone(), "");
        let mut operations = Vec::new();
        let mut seen_ids: BTreeMap<String, Place> = BTreeMap::new();
        let mut type_scope = Scope::new();
        // Method names are unique within their API type.
        let mut method_scopes: BTreeMap<usize, Scope> = BTreeMap::new();
        let default_security = requirements(document.security.as_deref().unwrap_or(&[]));
        for path in document.paths.paths.keys() {
            let item_place = root.join("paths").join(path);
            let (item_place, item) = match self.sources.resolve(&item_place) {
                Ok((place, value)) => (place, value.as_object().cloned().unwrap_or_default()),
                Err((at, message)) => {
                    self.diags.error(at.location(), message);
                    continue;
                }
            };
            for method in Method::ALL {
                let Some(op) = item.get(method.key()).and_then(Value::as_object) else {
                    continue;
                };
                let op_place = item_place.join(method.key());
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
                let tag_name = op
                    .get("tags")
                    .and_then(Value::as_array)
                    .and_then(|t| t.first())
                    .and_then(Value::as_str);
                let tag = super::tag_index(tags, tag_name.unwrap_or("Default"));
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
                    method,
                    path,
                    tag,
                    op,
                    place: &op_place,
                    item: &item,
                    item_place: &item_place,
                    default_security: &default_security,
                });
                operations.push(operation);
            }
        }
        operations
    }

    /// Webhooks (`webhooks` at the root) are requests the API sends, not operations a client
    /// calls; their payload schemas still become models, so a receiver can decode them.
    pub(crate) fn webhook_models(&mut self) {
        // `webhooks` is OpenAPI 3.1's; `x-webhooks` is the extension 3.0 descriptions use.
        for key in ["webhooks", "x-webhooks"] {
            let root = Place::new(self.sources.root.clone(), format!("/{key}"));
            let names: Vec<String> = self
                .sources
                .get(&root)
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            for name in names {
                let (item_place, item) = match self.sources.resolve(&root.join(&name)) {
                    Ok((place, value)) => (place, value.as_object().cloned().unwrap_or_default()),
                    Err((at, message)) => {
                        self.diags.error(at.location(), message);
                        continue;
                    }
                };
                for method in Method::ALL {
                    let Some(op) = item.get(method.key()).and_then(Value::as_object) else {
                        continue;
                    };
                    let id = op
                        .get("operationId")
                        .and_then(Value::as_str)
                        .unwrap_or(&name);
                    let hint = names::pascal(id);
                    let place = item_place.join(method.key());
                    self.request_body(op, &place, &hint);
                    let responses = op.get("responses").and_then(Value::as_object);
                    if responses.is_some_and(|r| r.contains_key("content")) {
                        // Some descriptions write the webhook's expected reply as a body.
                        self.diags.warn(
                            place.join("responses").location(),
                            "the webhook's `responses` is a body, not a map of statuses",
                            "its schema becomes a model of the reply",
                        );
                        self.body_models(&place.join("responses"), &format!("{hint}Reply"));
                    } else if responses.is_some() {
                        self.responses(op, &place, &hint);
                    }
                }
            }
        }
    }

    /// Registers the schemas of every media type of a body-like object at `place`.
    fn body_models(&mut self, place: &Place, hint: &str) {
        let media: Vec<String> = self
            .sources
            .get(&place.join("content"))
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        for media in media {
            let schema = place.join("content").join(&media).join("schema");
            if self.sources.get(&schema).is_some() {
                self.schema_type(&schema, hint);
            }
        }
    }

    fn operation(&mut self, input: OperationInput<'_>) -> Operation {
        let OperationInput {
            wire_id,
            method_name,
            builder,
            error_type,
            method,
            path,
            tag,
            op,
            place,
            item,
            item_place,
            default_security,
        } = input;
        let (parameters, experimental) =
            self.parameters(op, place, item, item_place, path, &builder);
        let body = self.request_body(op, place, &builder);
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
            origin: Origin {
                file: place.file.clone(),
                pointer: place.pointer.clone(),
            },
        }
    }

    /// Path-item and operation parameters, the operation's replacing the item's of the same
    /// name and location. The `X-SailPoint-Experimental` header is not a parameter the caller
    /// passes: it is reported as a flag and sent by the runtime.
    fn parameters(
        &mut self,
        op: &Map<String, Value>,
        place: &Place,
        item: &Map<String, Value>,
        item_place: &Place,
        path: &str,
        builder: &str,
    ) -> (Vec<Parameter>, bool) {
        let mut resolved: Vec<(Place, Map<String, Value>)> = Vec::new();
        for (owner, owner_place) in [(item, item_place), (op, place)] {
            let count = owner
                .get("parameters")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            for i in 0..count {
                let param_place = owner_place.join("parameters").index(i);
                match self.sources.resolve(&param_place) {
                    Ok((at, value)) => {
                        let map = value.as_object().cloned().unwrap_or_default();
                        let key = (text(&map, "name"), text(&map, "in"));
                        resolved.retain(|(_, m)| (text(m, "name"), text(m, "in")) != key);
                        resolved.push((at, map));
                    }
                    Err((at, message)) => self.diags.error(at.location(), message),
                }
            }
        }
        let template_names = path_template_names(path);
        let mut scope = Scope::new();
        for reserved in [
            "client",
            "send",
            "send_full",
            "request",
            "into_stream",
            "new",
        ] {
            scope.reserve(reserved);
        }
        let mut experimental = false;
        let mut parameters = Vec::new();
        for (at, map) in resolved {
            let (Some(wire), Some(location)) = (text(&map, "name"), text(&map, "in")) else {
                self.diags
                    .error(at.location(), "a parameter without `name` or `in`");
                continue;
            };
            let location = match location.as_str() {
                "path" => ParamLocation::Path,
                "query" => ParamLocation::Query,
                "header" => ParamLocation::Header,
                "cookie" => ParamLocation::Cookie,
                other => {
                    self.diags.error(
                        at.join("in").location(),
                        format!("unknown parameter location `{other}`"),
                    );
                    continue;
                }
            };
            if location == ParamLocation::Header
                && wire.eq_ignore_ascii_case("X-SailPoint-Experimental")
            {
                experimental = true;
                continue;
            }
            if location == ParamLocation::Path && !template_names.contains(&wire) {
                self.diags.warn(
                    at.location(),
                    format!("path parameter `{wire}` does not appear in the path `{path}`"),
                    "the parameter is left out",
                );
                continue;
            }
            let schema_place = at.join("schema");
            let Typed { ty, .. } = if map.contains_key("schema") {
                self.schema_type(
                    &schema_place,
                    &format!("{builder}{}", names::unraw(&names::pascal(&wire))),
                )
            } else {
                Typed {
                    ty: TypeRef::String,
                    nullable: false,
                }
            };
            let schema = self
                .sources
                .resolve(&schema_place)
                .ok()
                .and_then(|(_, v)| v.as_object().cloned())
                .unwrap_or_default();
            let rust = scope.claim(names::snake(&wire), &wire);
            parameters.push(Parameter {
                name: Name { wire, rust },
                location,
                required: location == ParamLocation::Path
                    || map.get("required").and_then(Value::as_bool) == Some(true),
                ty,
                description: text(&map, "description"),
                default: schema.get("default").cloned(),
                example: map
                    .get("example")
                    .or_else(|| schema.get("example"))
                    .cloned(),
                deprecated: map.get("deprecated").and_then(Value::as_bool) == Some(true),
                explode: map.get("explode").and_then(Value::as_bool).unwrap_or(true),
            });
        }
        for name in template_names {
            if !parameters
                .iter()
                .any(|p| p.location == ParamLocation::Path && p.name.wire == name)
            {
                self.diags.warn(
                    place.location(),
                    format!("the path `{path}` names `{{{name}}}`, which no parameter declares"),
                    "added as a required string path parameter",
                );
                let rust = scope.claim(names::snake(&name), &name);
                parameters.push(Parameter {
                    name: Name { wire: name, rust },
                    location: ParamLocation::Path,
                    required: true,
                    ty: TypeRef::String,
                    description: None,
                    default: None,
                    example: None,
                    deprecated: false,
                    explode: true,
                });
            }
        }
        (parameters, experimental)
    }

    fn request_body(
        &mut self,
        op: &Map<String, Value>,
        place: &Place,
        builder: &str,
    ) -> Option<RequestBody> {
        op.get("requestBody")?;
        let (at, value) = match self.sources.resolve(&place.join("requestBody")) {
            Ok(found) => found,
            Err((at, message)) => {
                self.diags.error(at.location(), message);
                return None;
            }
        };
        let map = value.as_object().cloned().unwrap_or_default();
        let content = map
            .get("content")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let Some(media) = content.keys().find(|m| is_json(m)).cloned() else {
            let listed: Vec<&String> = content.keys().collect();
            // The body's schema still becomes models, for callers who encode the body.
            if let Some(first) = content.keys().next() {
                let schema = at.join("content").join(first).join("schema");
                if self.sources.get(&schema).is_some() {
                    self.schema_type(&schema, &format!("{builder}Request"));
                }
            }
            self.diags.warn(
                at.join("content").location(),
                format!("no JSON media type among {listed:?}"),
                "the caller passes the encoded body as bytes, sent with the first media type",
            );
            return Some(RequestBody {
                name: Name {
                    wire: "body".into(),
                    rust: "body".into(),
                },
                content_type: content
                    .keys()
                    .next()
                    .cloned()
                    .unwrap_or_else(|| "application/json".into()),
                ty: TypeRef::Any,
                raw: true,
                required: map.get("required").and_then(Value::as_bool) == Some(true),
                description: text(&map, "description"),
                examples: Vec::new(),
            });
        };
        let media_place = at.join("content").join(&media);
        let media_map = content
            .get(&media)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let typed = if media_map.contains_key("schema") {
            self.schema_type(&media_place.join("schema"), &format!("{builder}Request"))
        } else {
            Typed {
                ty: TypeRef::Any,
                nullable: false,
            }
        };
        let argument = match &typed.ty {
            TypeRef::Named(name) => names::snake(name),
            TypeRef::Array(_) => "request_body".to_string(),
            _ => "body".to_string(),
        };
        Some(RequestBody {
            name: Name {
                wire: "body".into(),
                rust: argument,
            },
            content_type: media,
            ty: typed.ty,
            raw: false,
            required: map.get("required").and_then(Value::as_bool) == Some(true),
            description: text(&map, "description"),
            examples: examples(&media_map),
        })
    }

    fn responses(
        &mut self,
        op: &Map<String, Value>,
        place: &Place,
        builder: &str,
    ) -> Vec<Response> {
        let Some(declared) = op.get("responses").and_then(Value::as_object) else {
            self.diags
                .error(place.location(), "the operation declares no `responses`");
            return Vec::new();
        };
        let mut responses = Vec::new();
        let mut variants = Scope::new();
        variants.reserve("Undeclared");
        for key in declared.keys() {
            let response_place = place.join("responses").join(key);
            let Some(status) = parse_status(key) else {
                self.diags.error(
                    response_place.location(),
                    format!("`{key}` is not a status code, a range like `4XX`, or `default`"),
                );
                continue;
            };
            let (at, value) = match self.sources.resolve(&response_place) {
                Ok(found) => found,
                Err((at, message)) => {
                    self.diags.error(at.location(), message);
                    continue;
                }
            };
            let map = value.as_object().cloned().unwrap_or_default();
            let shared = at != response_place;
            let hint = if shared {
                shared_body_name(&at, status)
            } else {
                local_body_name(builder, status)
            };
            let content = map
                .get("content")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let media = content
                .keys()
                .find(|m| is_json(m))
                .cloned()
                .or_else(|| content.keys().next().cloned());
            let mut ty = None;
            let mut response_examples = Vec::new();
            if let Some(media) = &media {
                let media_map = content
                    .get(media)
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                response_examples = examples(&media_map);
                if media_map.contains_key("schema") && !is_json(media) {
                    // Not decoded (the body is bytes), but its schema still becomes models.
                    self.schema_type(&at.join("content").join(media).join("schema"), &hint);
                } else if media_map.contains_key("schema") {
                    ty = Some(
                        self.schema_type(&at.join("content").join(media).join("schema"), &hint)
                            .ty,
                    );
                }
            }
            let headers = self.response_headers(&map, &at);
            responses.push(Response {
                status,
                description: text(&map, "description").unwrap_or_default(),
                ty,
                raw: media.as_deref().is_some_and(|m| !is_json(m)),
                content_type: media,
                variant: variants.claim(status_variant(status), key),
                headers,
                examples: response_examples,
            });
        }
        responses.sort_by_key(|r| r.status);
        responses
    }

    fn response_headers(&mut self, map: &Map<String, Value>, at: &Place) -> Vec<ResponseHeader> {
        let Some(headers) = map.get("headers").and_then(Value::as_object) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for name in headers.keys() {
            let header_place = at.join("headers").join(name);
            let (header_at, value) = match self.sources.resolve(&header_place) {
                Ok(found) => found,
                Err((where_, message)) => {
                    self.diags.error(where_.location(), message);
                    continue;
                }
            };
            let header = value.as_object().cloned().unwrap_or_default();
            let ty = if header.contains_key("schema") {
                self.schema_type(&header_at.join("schema"), name).ty
            } else {
                TypeRef::String
            };
            out.push(ResponseHeader {
                name: name.clone(),
                description: text(&header, "description"),
                ty,
            });
        }
        out
    }
}

struct OperationInput<'a> {
    wire_id: String,
    method_name: String,
    builder: String,
    error_type: String,
    method: Method,
    path: &'a str,
    tag: usize,
    op: &'a Map<String, Value>,
    place: &'a Place,
    item: &'a Map<String, Value>,
    item_place: &'a Place,
    default_security: &'a [SecurityRequirement],
}

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_string)
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

fn examples(media: &Map<String, Value>) -> Vec<Example> {
    if let Some(named) = media.get("examples").and_then(Value::as_object) {
        return named
            .iter()
            .filter_map(|(name, example)| {
                let value = example.get("value")?.clone();
                let summary = example
                    .get("summary")
                    .or_else(|| example.get("description"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                Some(Example {
                    name: name.clone(),
                    summary,
                    value,
                })
            })
            .collect();
    }
    media
        .get("example")
        .map(|value| {
            vec![Example {
                name: "example".into(),
                summary: None,
                value: value.clone(),
            }]
        })
        .unwrap_or_default()
}

fn parse_status(key: &str) -> Option<Status> {
    if key.eq_ignore_ascii_case("default") {
        return Some(Status::Default);
    }
    if key.len() == 3 && key.ends_with("XX") || key.ends_with("xx") && key.len() == 3 {
        let class = key[..1].parse::<u8>().ok()?;
        return (1..=5).contains(&class).then_some(Status::Range(class));
    }
    let code = key.parse::<u16>().ok()?;
    (100..=599).contains(&code).then_some(Status::Code(code))
}

/// The reason phrase of a status, as a Rust variant name.
fn status_variant(status: Status) -> String {
    match status {
        Status::Code(code) => reason(code)
            .map(str::to_string)
            .unwrap_or_else(|| format!("Status{code}")),
        Status::Range(class) => format!("Status{class}xx"),
        Status::Default => "Default".to_string(),
    }
}

fn reason(code: u16) -> Option<&'static str> {
    Some(match code {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        206 => "PartialContent",
        207 => "MultiStatus",
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        409 => "Conflict",
        410 => "Gone",
        412 => "PreconditionFailed",
        413 => "PayloadTooLarge",
        415 => "UnsupportedMediaType",
        422 => "UnprocessableEntity",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        501 => "NotImplemented",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => return None,
    })
}

/// The name of an inline body in a response shared by reference: what the response is, not
/// which operation happened to use it first (`responses/401.yaml` → `UnauthorizedError`).
fn shared_body_name(at: &Place, status: Status) -> String {
    let name = at.last_name();
    if name.parse::<u16>().is_ok() || name.eq_ignore_ascii_case("default") {
        let base = status_variant(status);
        match status {
            Status::Code(code) if code >= 400 => format!("{base}Error"),
            _ => format!("{base}Body"),
        }
    } else {
        format!("{}Body", names::unraw(&names::pascal(&name)))
    }
}

fn local_body_name(builder: &str, status: Status) -> String {
    let builder = names::unraw(builder);
    if status.is_success() {
        format!("{builder}Response")
    } else {
        format!("{builder}{}", status_variant(status))
    }
}

/// `/accounts/{id}` → `["id"]`.
fn path_template_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
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

/// An operation pages with offset/limit when it takes integer `offset` and `limit` query
/// parameters and its success body is an array.
fn pagination(parameters: &[Parameter], responses: &[Response]) -> Option<Pagination> {
    let has = |name: &str| {
        parameters.iter().any(|p| {
            p.location == ParamLocation::Query
                && p.name.wire == name
                && matches!(p.ty, TypeRef::Integer(_))
        })
    };
    if !(has("offset") && has("limit")) {
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
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(parse_status("200"), Some(Status::Code(200)));
        assert_eq!(parse_status("4XX"), Some(Status::Range(4)));
        assert_eq!(parse_status("default"), Some(Status::Default));
        assert_eq!(parse_status("abc"), None);
        assert_eq!(parse_status("99"), None);
    }

    #[test]
    fn shared_bodies_are_named_for_what_they_are() {
        assert_eq!(
            shared_body_name(&Place::new("responses/401.yaml", ""), Status::Code(401)),
            "UnauthorizedError"
        );
        assert_eq!(
            shared_body_name(&Place::new("responses/429.yaml", ""), Status::Code(429)),
            "TooManyRequestsError"
        );
        assert_eq!(
            shared_body_name(
                &Place::new("r.yaml", "/components/responses/Problem"),
                Status::Code(400)
            ),
            "ProblemBody"
        );
    }

    #[test]
    fn derived_operation_ids() {
        assert_eq!(
            derive_operation_id(Method::Get, "/accounts/{id}/entitlements"),
            "get_accounts_id_entitlements"
        );
        assert_eq!(path_template_names("/a/{x}/b/{y}"), vec!["x", "y"]);
    }

    #[test]
    fn json_media_types() {
        assert!(is_json("application/json"));
        assert!(is_json("application/json-patch+json"));
        assert!(is_json("application/json; charset=utf-8"));
        assert!(!is_json("text/plain"));
    }
}
