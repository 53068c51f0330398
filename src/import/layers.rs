//! Values files merged as Helm merges them, each value keeping the file and `line:col` it
//! came from.
//!
//! Helm coalesces `-f` files in order on top of the chart's values.yaml: mappings merge key
//! by key, anything else (a scalar, a list) replaces what was there, and `null` deletes the
//! key. The merged tree is kept flat, one entry per leaf (a scalar, a list, or an empty
//! mapping), so that every value import reads or reports has exactly one origin.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

use crate::diag::{Diagnostic, Location};
use crate::yaml::{Located, pointer_token};

/// Where a value was written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Origin {
    /// The file as named on the command line (or the built-in defaults' name).
    pub file: String,
    /// The key's position (the value's, for a document that is not a mapping entry).
    pub at: Location,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.at)
    }
}

/// A value path, one key per level (keys may hold dots: annotation names do).
pub type Path = Vec<String>;

/// A path as people write it: `loki.server.http_listen_port`; a key holding dots is quoted,
/// as [`path_of`] reads it.
pub fn dotted(path: &[String]) -> String {
    path.iter()
        .map(|k| {
            if k.contains('.') {
                format!("\"{k}\"")
            } else {
                k.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// A dotted path as a [`Path`]; a key holding dots is written in double quotes
/// (`serviceAccount.annotations."eks.amazonaws.com/role-arn"`).
pub fn path_of(dotted: &str) -> Path {
    let mut out = Vec::new();
    let mut rest = dotted;
    loop {
        if let Some(quoted) = rest.strip_prefix('"')
            && let Some(end) = quoted.find('"')
        {
            out.push(quoted[..end].to_owned());
            match quoted[end + 1..].strip_prefix('.') {
                Some(r) => rest = r,
                None => return out,
            }
            continue;
        }
        match rest.split_once('.') {
            Some((k, r)) => {
                out.push(k.to_owned());
                rest = r;
            }
            None => {
                out.push(rest.to_owned());
                return out;
            }
        }
    }
}

/// One leaf of the merged values.
#[derive(Clone, Debug)]
pub struct Leaf {
    pub value: Value,
    pub origin: Origin,
    /// Set by one of the files given (not only by the chart's defaults): these are the
    /// values the not-carried list accounts for.
    pub given: bool,
    /// The chart's default at this path, when the defaults set one here.
    pub default: Option<Value>,
}

/// The merged values: every leaf by path.
#[derive(Clone, Debug, Default)]
pub struct Merged {
    leaves: BTreeMap<Path, Leaf>,
}

impl Merged {
    /// Merges one file's tree on top; `given` says whether it is one of the user's files.
    pub fn layer(&mut self, file: &str, doc: &Located, given: bool) {
        let mut flat = Vec::new();
        flatten(&doc.value, &mut Vec::new(), &mut flat);
        for (path, value) in flat {
            let pointer: String = path
                .iter()
                .map(|k| format!("/{}", pointer_token(k)))
                .collect();
            let origin = Origin {
                file: file.to_owned(),
                at: doc.key_location(&pointer),
            };
            self.put(path, value, origin, given);
        }
    }

    fn put(&mut self, path: Path, value: Value, origin: Origin, given: bool) {
        // A leaf that an ancestor of `path` was (a scalar replaced by a mapping) goes.
        for n in 0..path.len() {
            self.leaves.remove(&path[..n]);
        }
        let under = self.under(&path);
        let empty_map = value.as_object().is_some_and(Map::is_empty);
        if empty_map && !under.is_empty() && under.iter().any(|p| p.len() > path.len()) {
            // `{}` merged onto a mapping changes nothing.
            return;
        }
        let mut default = None;
        for p in under {
            if let Some(old) = self.leaves.remove(&p)
                && p == path
            {
                default = if old.given {
                    old.default
                } else {
                    Some(old.value)
                };
            }
        }
        if value.is_null() {
            return;
        }
        self.leaves.insert(
            path,
            Leaf {
                value,
                origin,
                given,
                default,
            },
        );
    }

    /// The paths at or under `prefix`.
    fn under(&self, prefix: &[String]) -> Vec<Path> {
        self.leaves
            .range(prefix.to_vec()..)
            .take_while(|(p, _)| p.starts_with(prefix))
            .map(|(p, _)| p.clone())
            .collect()
    }

    /// The value at `path` rebuilt from its leaves, with the paths of those leaves.
    pub fn get(&self, path: &[String]) -> Option<(Value, Vec<Path>)> {
        let paths = self.under(path);
        if paths.is_empty() {
            return None;
        }
        if let [only] = paths.as_slice()
            && only.as_slice() == path
        {
            return Some((self.leaves[only].value.clone(), paths));
        }
        let mut root = Value::Object(Map::new());
        for p in &paths {
            let mut node = &mut root;
            for k in &p[path.len()..] {
                node = node
                    .as_object_mut()
                    .expect("leaves under a path are mappings above them")
                    .entry(k.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
            }
            *node = self.leaves[p].value.clone();
        }
        Some((root, paths))
    }

    /// One leaf.
    pub fn leaf(&self, path: &[String]) -> Option<&Leaf> {
        self.leaves.get(path)
    }

    /// Every leaf, in path order.
    pub fn leaves(&self) -> impl Iterator<Item = (&Path, &Leaf)> {
        self.leaves.iter()
    }
}

/// Leaves of a tree: scalars, lists and empty mappings, with their paths.
fn flatten(v: &Value, path: &mut Vec<String>, out: &mut Vec<(Path, Value)>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, child) in m {
                path.push(k.clone());
                flatten(child, path, out);
                path.pop();
            }
        }
        _ if path.is_empty() => {}
        other => out.push((path.clone(), other.clone())),
    }
}

/// A values file that is YAML but not a mapping.
pub fn not_a_mapping(file: &str) -> Diagnostic {
    Diagnostic::error(
        file,
        Location::new(1, 1),
        "expected a mapping of chart values (the text of a `helm -f` file)",
    )
    .with_hint("pass the chart's values files: `portplan import values.yaml prod.yaml`")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_located;

    fn merged(files: &[&str]) -> Merged {
        let mut m = Merged::default();
        for (i, text) in files.iter().enumerate() {
            m.layer(&format!("f{i}"), &parse_located(text).unwrap(), i > 0);
        }
        m
    }

    #[test]
    fn merges_as_helm_does() {
        let m = merged(&[
            "a:\n  b: 1\n  c: [1, 2]\n  d: x\nkeep: {}\n",
            "a:\n  b: 2\n  c: [3]\n  d: null\nkeep: {}\n",
        ]);
        let (a, paths) = m.get(&path_of("a")).unwrap();
        assert_eq!(a, serde_json::json!({"b": 2, "c": [3]}));
        assert_eq!(paths.len(), 2);
        let b = m.leaf(&path_of("a.b")).unwrap();
        assert_eq!(b.origin.to_string(), "f1:2:3");
        assert!(b.given);
        assert_eq!(b.default, Some(serde_json::json!(1)));
        assert!(m.leaf(&path_of("a.d")).is_none());
        assert!(m.leaf(&path_of("keep")).is_some());
        // A scalar replaced by a mapping, and back.
        let m = merged(&["x: 1\n", "x:\n  w: 2\n", "z: {q: 1}\n", "z: 3\n"]);
        assert_eq!(m.get(&path_of("x")).unwrap().0, serde_json::json!({"w": 2}));
        assert_eq!(m.get(&path_of("z")).unwrap().0, serde_json::json!(3));
        assert_eq!(
            path_of(r#"a."b.c/d".e"#),
            vec!["a".to_owned(), "b.c/d".into(), "e".into()]
        );
    }
}
