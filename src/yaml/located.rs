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
    nodes: HashMap<String, NodeLocation>,
}

/// Where one node starts, and the key naming it when it is a mapping entry's value. One map
/// of both: each node's pointer is built and hashed once (a 7,000-line values file has
/// 30,000 nodes; a second map cost an eighth of its parse).
#[derive(Clone, Copy, Debug)]
struct NodeLocation {
    value: Location,
    key: Option<Location>,
}

impl Located {
    /// A value whose nodes have no recorded position: every location is 1:1.
    pub fn unplaced(value: Value) -> Self {
        Located {
            value,
            nodes: HashMap::new(),
        }
    }

    /// Where the value at `pointer` starts; falls back to the nearest located ancestor, so a
    /// missing key still points at the mapping that should hold it.
    pub fn value_location(&self, pointer: &str) -> Location {
        let mut p = pointer;
        loop {
            if let Some(l) = self.nodes.get(p) {
                return l.value;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return Location::new(1, 1),
            }
        }
    }

    /// Whether the document has a node at `pointer`.
    pub fn contains(&self, pointer: &str) -> bool {
        self.nodes.contains_key(pointer)
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
        match self.nodes.get(pointer) {
            Some(NodeLocation { key: Some(k), .. }) => *k,
            _ => self.value_location(pointer),
        }
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
    out.value = flatten(root, String::new(), None, &mut out);
    Ok(out)
}

/// The node as a value; records where it (and the key naming it, `key`) starts under
/// `pointer`, and the same for every node below it.
fn flatten(
    node: Spanned<Node>,
    pointer: String,
    key: Option<Location>,
    out: &mut Located,
) -> Value {
    let here = NodeLocation {
        value: location_of(&node.referenced),
        key,
    };
    let value = match node.value {
        Node::Scalar(v) => v,
        Node::Seq(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| flatten(item, format!("{pointer}/{i}"), None, out))
                .collect(),
        ),
        Node::Map(entries) => {
            let mut map = Map::with_capacity(entries.len());
            for (k, v) in entries {
                let child = child_pointer(&pointer, &k.value);
                let v = flatten(v, child, Some(location_of(&k.referenced)), out);
                map.insert(k.value, v);
            }
            Value::Object(map)
        }
    };
    out.nodes.insert(pointer, here);
    value
}

/// `pointer` + `/` + the escaped key, built in one allocation.
fn child_pointer(pointer: &str, key: &str) -> String {
    let mut child = String::with_capacity(pointer.len() + 1 + key.len());
    child.push_str(pointer);
    child.push('/');
    if key.contains(['~', '/']) {
        child.push_str(&pointer_token(key));
    } else {
        child.push_str(key);
    }
    child
}

/// Parses one YAML document into its value only, as [`parse_located_with`] reads it (the same
/// options, scalars and keys; an error there is an error here), at about 70% of the cost
/// (113M against 160M instructions on bench/validate.sh's 7,021-line file).
pub fn parse_value_with(
    text: &str,
    options: serde_saphyr::Options,
) -> Result<Value, serde_saphyr::Error> {
    let plain: Plain = serde_saphyr::from_str_with_options(text, options)?;
    Ok(plain.0)
}

/// One YAML node with its children still carrying their spans.
enum Node {
    Scalar(Value),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(Spanned<String>, Spanned<Node>)>),
}

/// A YAML document read straight into a value, without positions: what a reader needs
/// when the value turns out to be valid (positions only serve messages). The same visitor
/// as [`Node`]'s decides every scalar and key, so both readers accept the same documents
/// as the same values.
struct Plain(Value);

/// How one tree type is built from a YAML node's parts.
trait Tree: Sized {
    type Child: for<'de> Deserialize<'de>;
    type Key: for<'de> Deserialize<'de>;
    fn scalar(v: Value) -> Self;
    fn seq(items: Vec<Self::Child>) -> Self;
    fn map(entries: Vec<(Self::Key, Self::Child)>) -> Self;
}

impl Tree for Node {
    type Child = Spanned<Node>;
    type Key = Spanned<KeyText>;
    fn scalar(v: Value) -> Self {
        Node::Scalar(v)
    }
    fn seq(items: Vec<Spanned<Node>>) -> Self {
        Node::Seq(items)
    }
    fn map(entries: Vec<(Spanned<KeyText>, Spanned<Node>)>) -> Self {
        let entries = entries
            .into_iter()
            .map(|(k, v)| (Spanned::new(k.value.0, k.referenced, k.defined), v))
            .collect();
        Node::Map(entries)
    }
}

impl Tree for Plain {
    type Child = Plain;
    type Key = KeyText;
    fn scalar(v: Value) -> Self {
        Plain(v)
    }
    fn seq(items: Vec<Plain>) -> Self {
        Plain(Value::Array(items.into_iter().map(|p| p.0).collect()))
    }
    fn map(entries: Vec<(KeyText, Plain)>) -> Self {
        let mut map = Map::with_capacity(entries.len());
        for (k, v) in entries {
            map.insert(k.0, v.0);
        }
        Plain(Value::Object(map))
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TreeVisitor::<Node>(std::marker::PhantomData))
    }
}

impl<'de> Deserialize<'de> for Plain {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TreeVisitor::<Plain>(std::marker::PhantomData))
    }
}

struct TreeVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Tree + Deserialize<'de>> Visitor<'de> for TreeVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<T, E> {
        Ok(T::scalar(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        Ok(T::scalar(Value::Number(v.into())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        Ok(T::scalar(Value::Number(v.into())))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<T, E> {
        Ok(T::scalar(
            Number::from_f64(v as f64).map_or(Value::Null, Value::Number),
        ))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<T, E> {
        Ok(T::scalar(
            Number::from_f64(v as f64).map_or(Value::Null, Value::Number),
        ))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
        Number::from_f64(v)
            .map(|n| T::scalar(Value::Number(n)))
            .ok_or_else(|| E::custom("non-finite numbers (.inf, .nan) are not supported"))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok(T::scalar(Value::String(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<T, E> {
        Ok(T::scalar(Value::String(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        Ok(T::scalar(Value::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<T, E> {
        Ok(T::scalar(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        T::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<T::Child>()? {
            items.push(item);
        }
        Ok(T::seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<T::Key>()? {
            let value = map.next_value::<T::Child>()?;
            entries.push((key, value));
        }
        Ok(T::map(entries))
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
    fn the_plain_reader_reads_what_the_located_one_reads() {
        let docs = [
            "a: 1\nb: [x, 2.5, null, ~, true]\n",
            "1: one\ntrue: yes\n~: n\n3.5: f\n",
            "big: 123456789012345678901234567890\nneg: -170141183460469231731687303715884105728\n",
            "anchors: &a {k: v}\nref: *a\nlist: [*a, *a]\n",
            "s: 'on'\nt: on\nu: \"0o17\"\nv: 0o17\nw: 2024-01-01\n",
            "k/with~slash: {inner/key: [ {a: 1} ]}\n",
            "",
            "# only a comment\n",
            "- a\n- - b\n  - {c: d}\n",
        ];
        for d in docs {
            let plain = parse_value_with(d, super::super::options()).unwrap();
            assert_eq!(plain, parse_located(d).unwrap().value, "{d:?}");
        }
        for bad in ["a: [1, 2\n", "a: .inf\n", "a: 1\na: 2\n", "{[a]: 1}\n"] {
            assert!(
                parse_value_with(bad, super::super::options()).is_err(),
                "{bad:?}"
            );
            assert!(parse_located(bad).is_err(), "{bad:?}");
        }
    }

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
