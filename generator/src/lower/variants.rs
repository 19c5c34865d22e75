//! Enum and union schemas to models.

use super::schema::is_nullable;
use super::Lowerer;
use crate::ir::{EnumModel, EnumVariant, ModelKind, TypeRef, UnionModel, UnionVariant};
use crate::load::Place;
use crate::names;
use serde_json::{Map, Value};

impl Lowerer<'_> {
    pub(crate) fn enum_kind(&mut self, place: &Place, map: &Map<String, Value>) -> ModelKind {
        let values = map
            .get("enum")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut nullable = is_nullable(map);
        let mut strings = Vec::new();
        let mut others = false;
        for value in &values {
            match value {
                Value::Null => nullable = true,
                Value::String(s) => strings.push(s.clone()),
                _ => others = true,
            }
        }
        if others {
            // Integer or mixed enums keep their base type; the allowed values go to the docs.
            let base = self.plain_type(place, map, "");
            return ModelKind::Alias(if strings.is_empty() {
                base
            } else {
                TypeRef::Any
            });
        }
        let mut scope = names::Scope::new();
        scope.reserve("Unknown");
        let mut variants: Vec<EnumVariant> = Vec::new();
        for value in strings {
            if variants.iter().any(|v| v.name.wire == value) {
                self.diags.warn(
                    place.join("enum").location(),
                    format!("the enum value `{value}` is listed twice"),
                    "kept once",
                );
                continue;
            }
            let (rust, collision) = scope.claim_reporting(names::pascal(&value), &value);
            if let Some(collision) = collision {
                self.diags.warn(
                    place.join("enum").location(),
                    format!("enum values collide: {collision}"),
                    "the later value gets a numeric suffix",
                );
            }
            variants.push(EnumVariant {
                name: crate::ir::Name { wire: value, rust },
            });
        }
        ModelKind::Enum(EnumModel { variants, nullable })
    }

    pub(crate) fn union_kind(
        &mut self,
        place: &Place,
        map: &Map<String, Value>,
        id: &str,
    ) -> ModelKind {
        let key = if map.contains_key("oneOf") {
            "oneOf"
        } else {
            "anyOf"
        };
        let count = map.get(key).and_then(Value::as_array).map_or(0, Vec::len);
        let mut scope = names::Scope::new();
        let mut variants = Vec::new();
        for i in 0..count {
            let member = place.join(key).index(i);
            let typed = self.schema_type(&member, &format!("{id}Variant{}", i + 1));
            let name = scope.claim(variant_name(&typed.ty), &i.to_string());
            variants.push(UnionVariant {
                name,
                ty: typed.ty,
                boxed: false,
            });
        }
        ModelKind::Union(UnionModel { variants })
    }
}

/// A readable variant name for a union member.
fn variant_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => names::unraw(name).to_string(),
        TypeRef::String | TypeRef::FormattedString(_) => "String".to_string(),
        TypeRef::Integer(_) => "Integer".to_string(),
        TypeRef::Number => "Number".to_string(),
        TypeRef::Boolean => "Boolean".to_string(),
        TypeRef::Any => "Value".to_string(),
        TypeRef::Array(item) => format!("{}List", variant_name(item)),
        TypeRef::Map(value) => format!("{}Map", variant_name(value)),
    }
}
