//! Schemas to models and type references.
//!
//! Every schema that becomes a model is keyed by its canonical place (the node a `$ref` chain
//! ends at, or the inline node itself), so a schema reached from many operations becomes one
//! model, and a recursive reference only needs the key: models are converted from a queue after
//! they are registered, never while a reference to them is being resolved.

use super::{text, Lowerer};
use crate::ir::{Field, IntWidth, Model, ModelKind, Origin, Storage, StructModel, TypeRef};
use crate::load::Place;
use crate::names;
use serde_json::{Map, Value};

/// A type and whether the schema admits `null`.
#[derive(Debug, Clone)]
pub struct Typed {
    pub ty: TypeRef,
    pub nullable: bool,
}

const KNOWN_TYPES: &[&str] = &[
    "string", "integer", "number", "boolean", "array", "object", "null",
];

impl Lowerer<'_> {
    /// The type of the schema at `place`; inline schemas that need a name become models named
    /// by `hint`.
    pub(crate) fn schema_type(&mut self, place: &Place, hint: &str) -> Typed {
        let Some(value) = self.sources.get(place) else {
            return Typed {
                ty: TypeRef::Any,
                nullable: false,
            };
        };
        let Some(map) = value.as_object() else {
            if value.as_bool() != Some(true) {
                self.diags.warn(
                    place.location(),
                    "a schema that is not an object",
                    "used any JSON value",
                );
            }
            return Typed {
                ty: TypeRef::Any,
                nullable: false,
            };
        };
        let own_nullable = is_nullable(map);
        if map.contains_key("$ref") {
            return match self.sources.resolve(place) {
                Ok((target, target_value)) => {
                    let nullable =
                        own_nullable || target_value.as_object().is_some_and(is_nullable);
                    let id = self.model_for(&target, None);
                    Typed {
                        ty: TypeRef::Named(id),
                        nullable,
                    }
                }
                Err((at, message)) => {
                    self.diags.error(at.location(), message);
                    Typed {
                        ty: TypeRef::Any,
                        nullable: own_nullable,
                    }
                }
            };
        }
        if let Some(single) = self.single_all_of(place, map) {
            let mut typed = self.schema_type(&single, hint);
            typed.nullable |= own_nullable;
            return typed;
        }
        if needs_model(map) {
            let id = self.model_for(place, Some(hint));
            return Typed {
                ty: TypeRef::Named(id),
                nullable: own_nullable,
            };
        }
        Typed {
            ty: self.plain_type(place, map, hint),
            nullable: own_nullable,
        }
    }

    /// `allOf: [X]` plus members that only say `nullable`/`description` is just X: the usual
    /// way to put siblings next to a `$ref` in OpenAPI 3.0.
    fn single_all_of(&self, place: &Place, map: &Map<String, Value>) -> Option<Place> {
        let members = map.get("allOf")?.as_array()?;
        if map.contains_key("properties") || map.contains_key("oneOf") || map.contains_key("anyOf")
        {
            return None;
        }
        let substantive: Vec<usize> = members
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                !m.as_object()
                    .is_some_and(|o| o.keys().all(|k| ANNOTATIONS.contains(&k.as_str())))
            })
            .map(|(i, _)| i)
            .collect();
        match substantive.as_slice() {
            [only] => Some(place.join("allOf").index(*only)),
            _ => None,
        }
    }

    /// A schema that is not a model: a primitive, an array or a map.
    pub(crate) fn plain_type(
        &mut self,
        place: &Place,
        map: &Map<String, Value>,
        hint: &str,
    ) -> TypeRef {
        match self.type_name(place, map).as_deref() {
            Some("string") => match map.get("format").and_then(Value::as_str) {
                Some(format) if format != "password" => {
                    TypeRef::FormattedString(format.to_string())
                }
                _ => TypeRef::String,
            },
            Some("integer") => match map.get("format").and_then(Value::as_str) {
                Some("int32") => TypeRef::Integer(IntWidth::I32),
                _ => TypeRef::Integer(IntWidth::I64),
            },
            Some("number") => TypeRef::Number,
            Some("boolean") => TypeRef::Boolean,
            Some("array") => {
                if map.contains_key("items") {
                    let item = self.schema_type(&place.join("items"), &format!("{hint}Item"));
                    TypeRef::Array(Box::new(item.ty))
                } else {
                    self.diags.warn(
                        place.location(),
                        "an array schema without `items`",
                        "treated as an array of any JSON value",
                    );
                    TypeRef::Array(Box::new(TypeRef::Any))
                }
            }
            Some("object") | None if map.contains_key("additionalProperties") => {
                TypeRef::Map(Box::new(
                    self.additional_type(place, map, hint)
                        .unwrap_or(TypeRef::Any),
                ))
            }
            Some("object") if map.contains_key("items") => {
                self.diags.warn(
                    place.join("items").location(),
                    "an object schema with `items` (an array was probably meant)",
                    "decoded as any JSON value; the items' schema still becomes a model",
                );
                self.schema_type(&place.join("items"), &format!("{hint}Item"));
                TypeRef::Any
            }
            Some("object") => TypeRef::Map(Box::new(TypeRef::Any)),
            None if map.contains_key("items") => {
                // `items` constrains only arrays; with no `type` beside it an array is what the
                // author meant (v2024's segment memberships list is written so).
                self.diags.warn(
                    place.location(),
                    "a schema with `items` and no `type`",
                    "read as `type: array`",
                );
                let item = self.schema_type(&place.join("items"), &format!("{hint}Item"));
                TypeRef::Array(Box::new(item.ty))
            }
            _ => TypeRef::Any,
        }
    }

    /// The schema's `type`, with defects reported: an unknown type is read as a string format.
    fn type_name(&mut self, place: &Place, map: &Map<String, Value>) -> Option<String> {
        match map.get("type")? {
            Value::String(t) if KNOWN_TYPES.contains(&t.as_str()) => Some(t.clone()),
            Value::String(t) => {
                self.diags.warn(
                    place.join("type").location(),
                    format!("`type: {t}` is not a JSON Schema type"),
                    format!("treated as `type: string, format: {t}`"),
                );
                Some("string".to_string())
            }
            Value::Array(types) => types
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .map(str::to_string),
            _ => None,
        }
    }

    fn additional_type(
        &mut self,
        place: &Place,
        map: &Map<String, Value>,
        hint: &str,
    ) -> Option<TypeRef> {
        match map.get("additionalProperties")? {
            Value::Bool(false) => None,
            Value::Bool(true) => Some(TypeRef::Any),
            Value::Object(o) if o.is_empty() => Some(TypeRef::Any),
            _ => Some(
                self.schema_type(&place.join("additionalProperties"), &format!("{hint}Value"))
                    .ty,
            ),
        }
    }

    /// The model id of the schema at `place`, registering it on first sight.
    pub(crate) fn model_for(&mut self, place: &Place, hint: Option<&str>) -> String {
        if let Some(id) = self.model_ids.get(place) {
            return id.clone();
        }
        let wire = match hint {
            Some(hint) => hint.to_string(),
            None => place.last_name(),
        };
        let id = self.claim_model_name(place, &wire);
        self.model_ids.insert(place.clone(), id.clone());
        self.model_places
            .insert(names::unraw(&id).to_ascii_lowercase(), place.clone());
        self.pending.push_back((place.clone(), id.clone(), wire));
        id
    }

    /// The Rust name of a new model. A name another schema holds is qualified by the top folder
    /// of the file (`v2024/schemas/ErrorResponseDto.yaml` → `V2024ErrorResponseDto`), which says
    /// where the schema comes from; only when that is taken too does a numeric suffix decide.
    fn claim_model_name(&mut self, place: &Place, wire: &str) -> String {
        let wanted = names::pascal(wire);
        let Some(holder) = self.holder_of(&wanted) else {
            return self.model_scope.claim(wanted, wire);
        };
        let holder = format!("{}#{}", holder.file, holder.pointer);
        let folder = place.file.split_once('/').map(|(folder, _)| folder);
        let qualified = folder.map(|f| names::pascal(&format!("{f} {wire}")));
        let id = match qualified {
            Some(q) if self.holder_of(&q).is_none() => self.model_scope.claim(q, wire),
            _ => self.model_scope.claim(wanted.clone(), wire),
        };
        self.diags.warn(
            place.location(),
            format!(
                "two schemas are named `{}`: this one and the one at {holder}",
                names::unraw(&wanted)
            ),
            format!("this one is named `{id}`"),
        );
        id
    }

    /// The place of the model that holds a Rust name (compared as `Scope` compares).
    fn holder_of(&self, name: &str) -> Option<&Place> {
        self.model_places
            .get(&names::unraw(name).to_ascii_lowercase())
    }

    /// Converts every registered model; conversion may register more.
    pub(crate) fn convert_pending(&mut self) {
        while let Some((place, id, wire)) = self.pending.pop_front() {
            let model = self.convert_model(&place, &id, wire);
            self.models.insert(id, model);
        }
    }

    fn convert_model(&mut self, place: &Place, id: &str, wire: String) -> Model {
        let map = self
            .sources
            .get(place)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let kind = if map.contains_key("enum") {
            self.enum_kind(place, &map)
        } else if map.contains_key("oneOf") || map.contains_key("anyOf") {
            self.union_kind(place, &map, id)
        } else if map.contains_key("allOf") || map.contains_key("properties") {
            let mut fields = Vec::new();
            let mut required = Vec::new();
            let mut additional = None;
            self.collect_fields(
                place,
                &map,
                id,
                &mut fields,
                &mut required,
                &mut additional,
                0,
            );
            for field in &mut fields {
                field.required = required.contains(&field.name.wire);
            }
            self.required_without_property(place, &required, &mut fields);
            ModelKind::Struct(StructModel {
                fields,
                additional,
                additional_name: None,
            })
        } else {
            ModelKind::Alias(self.plain_type(place, &map, id))
        };
        Model {
            name: crate::ir::Name {
                wire,
                rust: id.to_string(),
            },
            module: String::new(),
            title: text(&map, "title"),
            description: text(&map, "description"),
            kind,
            example: map.get("example").cloned(),
            in_response: false,
            features: Vec::new(),
            origin: Origin {
                file: place.file.clone(),
                pointer: place.pointer.clone(),
            },
        }
    }

    /// A name `required` lists that no property declares (v2024's role metadata requires an
    /// `attribute` it calls `attributeKey`): in JSON Schema the member must be there, with any
    /// value, so it becomes a required field of any JSON value, and the client can send it.
    fn required_without_property(
        &mut self,
        place: &Place,
        required: &[String],
        fields: &mut Vec<Field>,
    ) {
        for wire in required {
            // A field pushed here is found too, so a name listed twice is added once.
            if fields.iter().any(|f| f.name.wire == *wire) {
                continue;
            }
            self.diags.warn(
                place.join("required").location(),
                format!("`{wire}` is required but no property declares it"),
                "added as a required field of any JSON value",
            );
            fields.push(Field {
                name: crate::ir::Name {
                    wire: wire.clone(),
                    rust: String::new(),
                },
                ty: TypeRef::Any,
                required: true,
                nullable: false,
                read_only: false,
                boxed: false,
                storage: Storage::Optional,
                default: None,
                description: None,
                example: None,
                deprecated: false,
                pattern: None,
            });
        }
    }

    /// Gathers the properties of a schema and of every `allOf` member, in order; a property
    /// named again by a later member replaces the earlier one.
    #[allow(clippy::too_many_arguments)] // One recursive walk; the accumulators are its state.
    fn collect_fields(
        &mut self,
        place: &Place,
        map: &Map<String, Value>,
        id: &str,
        fields: &mut Vec<Field>,
        required: &mut Vec<String>,
        additional: &mut Option<TypeRef>,
        depth: usize,
    ) {
        if depth > 32 {
            self.diags.error(
                place.location(),
                "`allOf` nesting deeper than 32 levels (a cycle of `allOf` references?)",
            );
            return;
        }
        if let Some(members) = map.get("allOf").and_then(Value::as_array) {
            for i in 0..members.len() {
                let member_place = place.join("allOf").index(i);
                match self.sources.resolve(&member_place) {
                    Ok((target, value)) => {
                        // A referenced member is a schema of its own too: it gets its model,
                        // and its properties are merged here.
                        if self
                            .sources
                            .get(&member_place)
                            .is_some_and(|m| m.get("$ref").is_some())
                        {
                            self.model_for(&target, None);
                        }
                        let member = value.as_object().cloned().unwrap_or_default();
                        if member.contains_key("oneOf") || member.contains_key("anyOf") {
                            self.diags.warn(
                                member_place.location(),
                                "an `allOf` member that is a `oneOf`/`anyOf`",
                                "its properties are not merged; the member is left out",
                            );
                            continue;
                        }
                        self.collect_fields(
                            &target,
                            &member,
                            id,
                            fields,
                            required,
                            additional,
                            depth + 1,
                        );
                    }
                    Err((at, message)) => self.diags.error(at.location(), message),
                }
            }
        }
        if let Some(names) = map.get("required").and_then(Value::as_array) {
            required.extend(names.iter().filter_map(Value::as_str).map(str::to_string));
        }
        if let Some(extra) = self.additional_type(place, map, id) {
            *additional = Some(extra);
        }
        let Some(properties) = map.get("properties").and_then(Value::as_object) else {
            return;
        };
        for (wire, schema) in properties {
            let field_place = place.join("properties").join(wire);
            let typed = self.schema_type(
                &field_place,
                &format!("{id}{}", names::unraw(&names::pascal(wire))),
            );
            let own = schema.as_object().cloned().unwrap_or_default();
            let target = self
                .sources
                .resolve(&field_place)
                .ok()
                .and_then(|(_, v)| v.as_object().cloned());
            let look = |key: &str| {
                own.get(key)
                    .or_else(|| target.as_ref().and_then(|t| t.get(key)))
                    .cloned()
            };
            let field = Field {
                name: crate::ir::Name {
                    wire: wire.clone(),
                    rust: String::new(),
                },
                ty: typed.ty,
                required: false,
                nullable: typed.nullable,
                read_only: look("readOnly").and_then(|v| v.as_bool()).unwrap_or(false),
                boxed: false,
                storage: Storage::Optional,
                default: look("default"),
                description: look("description").and_then(|v| v.as_str().map(str::to_string)),
                example: look("example"),
                deprecated: look("deprecated")
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false),
                pattern: look("pattern").and_then(|v| v.as_str().map(str::to_string)),
            };
            match fields.iter_mut().find(|f| f.name.wire == *wire) {
                Some(existing) => *existing = field,
                None => fields.push(field),
            }
        }
    }
}

/// Keywords that annotate a schema without constraining it.
const ANNOTATIONS: &[&str] = &[
    "nullable",
    "description",
    "title",
    "example",
    "readOnly",
    "writeOnly",
    "deprecated",
    "default",
];

fn needs_model(map: &Map<String, Value>) -> bool {
    map.contains_key("properties")
        || map.contains_key("allOf")
        || map.contains_key("oneOf")
        || map.contains_key("anyOf")
        || map
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.iter().any(Value::is_string))
}

pub(crate) fn is_nullable(map: &Map<String, Value>) -> bool {
    map.get("nullable").and_then(Value::as_bool) == Some(true)
        || map
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|v| v.contains(&Value::Null))
        || map
            .get("type")
            .and_then(Value::as_array)
            .is_some_and(|t| t.iter().any(|t| t == "null"))
}
