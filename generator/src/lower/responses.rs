//! Request bodies, responses and their headers to the IR; their schemas become models named
//! after the operation or after the shared response they come from.

use super::schema::Typed;
use super::{text, Lowerer};
use crate::ir::{
    Example, Form, FormEncoding, Name, RequestBody, Response, ResponseHeader, Status, TypeRef,
};
use crate::load::Place;
use crate::names::{self, Scope};
use serde_json::{Map, Value};

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

/// The form encoding of a media type, if it is one.
fn form_encoding(media: &str) -> Option<FormEncoding> {
    let essence = media.split(';').next().unwrap_or(media).trim();
    if essence.eq_ignore_ascii_case("multipart/form-data") {
        Some(FormEncoding::Multipart)
    } else if essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        Some(FormEncoding::UrlEncoded)
    } else {
        None
    }
}

/// The media type a body is sent with when it has no JSON one: multipart first (it carries
/// files), then url-encoded, then the first listed.
fn form_media(content: &Map<String, Value>) -> Option<(&String, FormEncoding)> {
    let find = |wanted| {
        content
            .keys()
            .find(|m| form_encoding(m) == Some(wanted))
            .map(|m| (m, wanted))
    };
    find(FormEncoding::Multipart).or_else(|| find(FormEncoding::UrlEncoded))
}

impl<'a> Lowerer<'a> {
    /// Whether the request body of `op` is sent as a form (no JSON media type, and a
    /// multipart or url-encoded one), so the operation needs a form type. Unresolvable
    /// bodies are reported by `request_body`.
    pub(crate) fn has_form_body(&self, place: &Place) -> bool {
        let Ok((_, value)) = self.sources.resolve(&place.join("requestBody")) else {
            return false;
        };
        let content = value
            .get("content")
            .and_then(Value::as_object)
            .unwrap_or(super::empty_map());
        !content.keys().any(|m| is_json(m)) && form_media(content).is_some()
    }

    /// Registers the schemas of every media type of a body-like object at `place`.
    pub(crate) fn body_models(&mut self, place: &Place, hint: &str) {
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

    pub(crate) fn request_body(
        &mut self,
        op: &Map<String, Value>,
        place: &Place,
        builder: &str,
        form_type: Option<String>,
        scope: &mut Scope,
    ) -> Option<RequestBody> {
        op.get("requestBody")?;
        let sources: &'a crate::load::Sources = self.sources;
        let (at, value) = match sources.resolve(&place.join("requestBody")) {
            Ok(found) => found,
            Err((at, message)) => {
                self.diags.error(at.location(), message);
                return None;
            }
        };
        let map = value.as_object().unwrap_or(super::empty_map());
        let content = map
            .get("content")
            .and_then(Value::as_object)
            .unwrap_or(super::empty_map());
        let Some(media) = content.keys().find(|m| is_json(m)).cloned() else {
            let required = map.get("required").and_then(Value::as_bool) == Some(true);
            if let (Some((media, encoding)), Some(type_name)) = (form_media(content), form_type) {
                // The schema becomes a model; `normalize::decide_forms` turns its fields into
                // the form's.
                let schema = at.join("content").join(media).join("schema");
                let ty = if self.sources.get(&schema).is_some() {
                    self.schema_type(&schema, &format!("{builder}Request")).ty
                } else {
                    TypeRef::Any
                };
                return Some(RequestBody {
                    name: Name {
                        wire: "body".into(),
                        rust: scope.claim("form".into(), "body"),
                    },
                    content_type: media.clone(),
                    ty,
                    raw: true,
                    form: Some(Form {
                        encoding,
                        type_name,
                        fields: Vec::new(),
                    }),
                    required,
                    description: text(map, "description"),
                    examples: Vec::new(),
                });
            }
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
                    rust: scope.claim("body".into(), "body"),
                },
                content_type: content
                    .keys()
                    .next()
                    .cloned()
                    .unwrap_or_else(|| "application/json".into()),
                ty: TypeRef::Any,
                raw: true,
                form: None,
                required,
                description: text(map, "description"),
                examples: Vec::new(),
            });
        };
        let media_place = at.join("content").join(&media);
        let media_map = content
            .get(&media)
            .and_then(Value::as_object)
            .unwrap_or(super::empty_map());
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
                rust: scope.claim(argument, "body"),
            },
            content_type: media,
            ty: typed.ty,
            raw: false,
            form: None,
            required: map.get("required").and_then(Value::as_bool) == Some(true),
            description: text(map, "description"),
            examples: examples(media_map),
        })
    }

    pub(crate) fn responses(
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
        let sources: &'a crate::load::Sources = self.sources;
        let mut responses = Vec::new();
        let mut variants = Scope::new();
        variants.reserve("Undeclared");
        for key in declared.keys() {
            let response_place = place.join("responses").join(key);
            let Some(status) = Status::parse(key) else {
                self.diags.error(
                    response_place.location(),
                    format!("`{key}` is not a status code, a range like `4XX`, or `default`"),
                );
                continue;
            };
            let (at, value) = match sources.resolve(&response_place) {
                Ok(found) => found,
                Err((at, message)) => {
                    self.diags.error(at.location(), message);
                    continue;
                }
            };
            let map = value.as_object().unwrap_or(super::empty_map());
            let shared = at != response_place;
            let hint = if shared {
                shared_body_name(&at, status)
            } else {
                local_body_name(builder, status)
            };
            let mut content = map
                .get("content")
                .and_then(Value::as_object)
                .unwrap_or(super::empty_map());
            // HTTP gives these statuses no body (RFC 9110 §15.3.5, §15.3.6, §15.4.5): content
            // declared for one is never sent, so decoding it would fail on every response.
            if matches!(status, Status::Code(204 | 205 | 304)) && !content.is_empty() {
                self.diags.warn(
                    at.join("content").location(),
                    format!("a {key} response has no body in HTTP, yet declares content"),
                    "the content is ignored: the response is returned without a body",
                );
                // Its schemas still become models, as every referenced schema does.
                for (media, media_map) in content {
                    if media_map.get("schema").is_some() {
                        self.schema_type(&at.join("content").join(media).join("schema"), &hint);
                    }
                }
                content = super::empty_map();
            }
            let mut media = content
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
                    .unwrap_or(super::empty_map());
                response_examples = examples(media_map);
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
            let headers = self.response_headers(map, &at);
            let mut raw = media.as_deref().is_some_and(|m| !is_json(m));
            // A "JSON" body of `format: binary` is a file (SailPoint lists `application/json`
            // first for files that come as PNG or JPEG images): it is streamed, and asked for
            // with `*/*`, since any one of the listed types would refuse the others.
            if matches!(&ty, Some(TypeRef::FormattedString(f)) if f == "binary") {
                ty = None;
                raw = true;
                if content.len() > 1 {
                    media = Some("*/*".to_owned());
                }
            }
            responses.push(Response {
                status,
                description: text(map, "description").unwrap_or_default(),
                ty,
                raw,
                content_type: media,
                variant: variants.claim(status.variant_name(), key),
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
        let sources: &'a crate::load::Sources = self.sources;
        let mut out = Vec::new();
        for name in headers.keys() {
            let header_place = at.join("headers").join(name);
            let (header_at, value) = match sources.resolve(&header_place) {
                Ok(found) => found,
                Err((where_, message)) => {
                    self.diags.error(where_.location(), message);
                    continue;
                }
            };
            let header = value.as_object().unwrap_or(super::empty_map());
            let ty = if header.contains_key("schema") {
                self.schema_type(&header_at.join("schema"), name).ty
            } else {
                TypeRef::String
            };
            out.push(ResponseHeader {
                name: name.clone(),
                description: text(header, "description"),
                ty,
            });
        }
        out
    }
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

/// The name of an inline body in a response shared by reference: what the response is, not
/// which operation happened to use it first (`responses/401.yaml` → `UnauthorizedError`).
fn shared_body_name(at: &Place, status: Status) -> String {
    let name = at.last_name();
    if name.parse::<u16>().is_ok() || name.eq_ignore_ascii_case("default") {
        let base = status.variant_name();
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
        format!("{builder}{}", status.variant_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Status;

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
    fn json_media_types() {
        assert!(is_json("application/json"));
        assert!(is_json("application/json-patch+json"));
        assert!(is_json("application/json; charset=utf-8"));
        assert!(!is_json("text/plain"));
    }
}
