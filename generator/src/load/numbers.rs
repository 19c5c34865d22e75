//! YAML read into JSON values without failing on a number JSON cannot hold.
//!
//! `serde_json::Value` refuses an integer beyond 64 bits ("JSON number out of range"), and
//! descriptions carry them in keywords that only constrain values
//! (`maximum: 18446744073709552000`). Such a number is read as its text and reported with its
//! place, so the loader can drop it from a constraint keyword or keep it as text elsewhere,
//! with a located warning either way, instead of refusing the whole description.

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::RefCell;
use std::fmt;

/// A number wider than 64 bits: the JSON pointer where it was met, and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct WideNumber {
    pub pointer: String,
    pub text: String,
}

/// Parses YAML text; numbers beyond 64 bits become strings, listed in the second value.
pub fn from_yaml(text: &str) -> Result<(Value, Vec<WideNumber>), serde_yaml::Error> {
    let wide = RefCell::new(Vec::new());
    let value = Node {
        pointer: String::new(),
        wide: &wide,
    }
    .deserialize(serde_yaml::Deserializer::from_str(text))?;
    Ok((value, wide.into_inner()))
}

/// The value at `pointer`, which records wide numbers it meets in `wide`.
struct Node<'a> {
    pointer: String,
    wide: &'a RefCell<Vec<WideNumber>>,
}

impl Node<'_> {
    fn wide(&self, text: String) -> Value {
        self.wide.borrow_mut().push(WideNumber {
            pointer: self.pointer.clone(),
            text: text.clone(),
        });
        Value::String(text)
    }

    fn child(&self, segment: &str) -> Node<'_> {
        Node {
            pointer: format!(
                "{}/{}",
                self.pointer,
                segment.replace('~', "~0").replace('/', "~1")
            ),
            wide: self.wide,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON-compatible value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(match i64::try_from(v) {
            Ok(small) => Value::Number(small.into()),
            Err(_) => self.wide(v.to_string()),
        })
    }

    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(match u64::try_from(v) {
            Ok(small) => Value::Number(small.into()),
            Err(_) => self.wide(v.to_string()),
        })
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // Like `serde_json`, a value JSON cannot spell (infinity, NaN) reads as null.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.child(&items.len().to_string()))? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            let value = access.next_value_seed(self.child(&key))?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

/// Keywords that only constrain values: a number there that the generator cannot hold is
/// dropped, which loosens a check the SDK does not make anyway.
pub const CONSTRAINT_KEYWORDS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_beyond_64_bits_are_kept_as_text_with_their_place() {
        let (value, wide) =
            from_yaml("a:\n  maximum: 18446744073709552000\n  b: [1, -99999999999999999999]\n")
                .unwrap();
        assert_eq!(value["a"]["maximum"], "18446744073709552000");
        assert_eq!(value["a"]["b"][0], 1);
        assert_eq!(
            wide,
            vec![
                WideNumber {
                    pointer: "/a/maximum".into(),
                    text: "18446744073709552000".into()
                },
                WideNumber {
                    pointer: "/a/b/1".into(),
                    text: "-99999999999999999999".into()
                },
            ]
        );
    }

    #[test]
    fn ordinary_values_read_as_serde_json_reads_them() {
        let text = "x: 1\ny: -2\nz: 1.5\nw: [true, null, 'a']\n200: ok\n";
        let (value, wide) = from_yaml(text).unwrap();
        let plain: Value = serde_yaml::from_str(text).unwrap();
        assert_eq!(value, plain);
        assert!(wide.is_empty());
    }
}
