use std::collections::HashMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use serde_saphyr::Spanned;

use crate::diag::Location;

/// Where serde-saphyr says an event is.
pub(crate) fn location_of(loc: &serde_saphyr::Location) -> Location {
    Location {
        line: u32::try_from(loc.line()).unwrap_or(u32::MAX),
        column: u32::try_from(loc.column()).unwrap_or(u32::MAX),
    }
}

/// A YAML document as a JSON value, plus where each node came from.
///
/// Positions are keyed by JSON pointer (RFC 6901), the same paths JSON Schema validators and
/// the model's own checks report, so a pointer becomes a `line:col` with one lookup.
#[derive(Clone, Debug, Default)]
pub struct Located {
    pub value: Value,
    values: HashMap<String, Location>,
    keys: HashMap<String, Location>,
}

impl Located {
    /// Where the value at `pointer` starts; falls back to the nearest located ancestor, so a
    /// missing key still points at the mapping that should hold it.
    pub fn value_location(&self, pointer: &str) -> Location {
        let mut p = pointer;
        loop {
            if let Some(l) = self.values.get(p) {
                return *l;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return Location::new(1, 1),
            }
        }
    }

    /// Whether the document has a node at `pointer`.
    pub fn contains(&self, pointer: &str) -> bool {
        self.values.contains_key(pointer)
    }

    /// The first of `candidates` (separated by `|`) that the document has, else the last.
    pub fn first_present<'a>(&self, candidates: &'a str) -> &'a str {
        let mut last = candidates;
        for c in candidates.split('|') {
            if self.contains(c) {
                return c;
            }
            last = c;
        }
        last
    }

    /// Where the key of the mapping entry at `pointer` starts (the value's position when the
    /// node is not a mapping entry).
    pub fn key_location(&self, pointer: &str) -> Location {
        self.keys
            .get(pointer)
            .copied()
            .unwrap_or_else(|| self.value_location(pointer))
    }
}

/// Escapes one JSON-pointer reference token.
pub fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Parses one YAML document into a [`Located`] value.
pub fn parse_located(text: &str) -> Result<Located, serde_saphyr::Error> {
    parse_located_with(text, super::options())
}

/// [`parse_located`] with other parsing options (Helm's duplicate-key rule for values files).
pub fn parse_located_with(
    text: &str,
    options: serde_saphyr::Options,
) -> Result<Located, serde_saphyr::Error> {
    let root: Spanned<Node> = serde_saphyr::from_str_with_options(text, options)?;
    let mut out = Located::default();
    out.value = flatten(root, String::new(), &mut out);
    Ok(out)
}

fn flatten(node: Spanned<Node>, pointer: String, out: &mut Located) -> Value {
    out.values
        .insert(pointer.clone(), location_of(&node.referenced));
    match node.value {
        Node::Scalar(v) => v,
        Node::Seq(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| flatten(item, format!("{pointer}/{i}"), out))
                .collect(),
        ),
        Node::Map(entries) => {
            let mut map = Map::new();
            for (key, value) in entries {
                let child = format!("{pointer}/{}", pointer_token(&key.value));
                out.keys.insert(child.clone(), location_of(&key.referenced));
                let v = flatten(value, child, out);
                map.insert(key.value, v);
            }
            Value::Object(map)
        }
    }
}

/// One YAML node with its children still carrying their spans.
enum Node {
    Scalar(Value),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(Spanned<String>, Spanned<Node>)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Number(v.into())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Number(v.into())))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Node, E> {
        Ok(Node::Scalar(
            Number::from_f64(v as f64).map_or(Value::Null, Value::Number),
        ))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Node, E> {
        Ok(Node::Scalar(
            Number::from_f64(v as f64).map_or(Value::Null, Value::Number),
        ))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Number::from_f64(v)
            .map(|n| Node::Scalar(Value::Number(n)))
            .ok_or_else(|| E::custom("non-finite numbers (.inf, .nan) are not supported"))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Scalar(Value::String(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
        Ok(Node::Scalar(Value::String(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<KeyText>>()? {
            let value = map.next_value()?;
            entries.push((
                Spanned::new(key.value.0, key.referenced, key.defined),
                value,
            ));
        }
        Ok(Node::Map(entries))
    }
}

/// A mapping key as text: YAML allows `1: x` or `true: x`; JSON needs strings.
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a scalar mapping key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyText, E> {
                Ok(KeyText(v.to_owned()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<KeyText, E> {
                Ok(KeyText("null".to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_keys_and_values() {
        let doc = parse_located("a: 1\nb:\n  - x\n  - {c: true}\n\"d/e\": ~\n").unwrap();
        assert_eq!(doc.value["b"][1]["c"], Value::Bool(true));
        assert_eq!(doc.value_location("/a"), Location::new(1, 4));
        assert_eq!(doc.key_location("/b"), Location::new(2, 1));
        assert_eq!(doc.value_location("/b/0"), Location::new(3, 5));
        assert_eq!(doc.key_location("/b/1/c"), Location::new(4, 6));
        assert_eq!(doc.key_location("/d~1e"), Location::new(5, 1));
        assert_eq!(doc.value_location("/b/1/missing"), Location::new(4, 5));
    }

    #[test]
    fn rejects_alias_bombs() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        assert!(parse_located(&text).is_err());
    }
}
