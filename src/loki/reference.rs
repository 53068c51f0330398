//! Loki's own configuration reference as data: every block, key and type of the Loki version
//! the chart runs, so a key the user passes through (`loki.config`, `limits`, `overrides`) is
//! checked against what Loki reads instead of being dropped or crashing a pod at start.
//!
//! `reference/keys.txt` is derived by `reference/derive.py` from grafana/loki's
//! `docs/sources/shared/configuration.md` (see `reference/SOURCE.md`); it keeps names and
//! types only. Blocks are reused under several parents (`cache_config`, `grpc_client`,
//! `kvstore` through `consul`/`etcd`...), as in the reference, so each block is checked by
//! one table wherever it appears.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use super::owned::Owned;
use crate::schema_check::describe::found;
use crate::suggest::did_you_mean;

/// The key table, as committed.
pub const KEYS: &str = include_str!("reference/keys.txt");

/// The Loki version whose reference [`KEYS`] is (the tag it was derived from, without `v`).
pub const VERSION: &str = "3.5.7";

/// What a key holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind<'a> {
    /// A scalar or simple container, by the reference's name: `boolean`, `int`, `float`,
    /// `duration`, `string`, `list of strings`, `map of string to string`, ...
    Scalar(&'a str),
    /// An inline mapping; its keys follow as `path.key` in the same block.
    Mapping,
    /// A reference to a named block.
    Block(&'a str),
    /// A list of a named block.
    List(&'a str),
    /// A mapping of string to a named block.
    Map(&'a str),
    /// A shape the reference does not spell out as a block: taken as it is.
    Any,
}

/// One block of the reference: its keys by dotted path, and the blocks embedded in it.
#[derive(Debug, Default)]
pub struct Block<'a> {
    keys: HashMap<&'a str, Kind<'a>>,
    /// Paths in the order the reference lists them (for suggestions and schemas).
    order: Vec<&'a str>,
    /// (path of the mapping, block) for `[<block>]` lines: the block's keys appear there.
    embeds: Vec<(&'a str, &'a str)>,
}

impl<'a> Block<'a> {
    /// Every key path of this block, in the reference's order.
    pub fn paths(&self) -> impl Iterator<Item = (&'a str, &Kind<'a>)> {
        self.order.iter().map(|p| (*p, &self.keys[p]))
    }
}

/// The whole reference: each block's text, found in one pass, and parsed the first time a
/// check looks into it. A model that passes `limits` through reads one block of 45;
/// parsing all 1,568 keys up front cost a tenth of a whole `gen`.
#[derive(Debug)]
pub struct Reference<'a> {
    blocks: HashMap<&'a str, LazyBlock<'a>>,
}

#[derive(Debug)]
struct LazyBlock<'a> {
    /// The block's lines, after its `[name]` line.
    body: &'a str,
    /// The line number of the body's first line, for errors.
    first_line: usize,
    parsed: OnceLock<Block<'a>>,
}

/// A pass-through value Loki would not read: where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// JSON pointer of the offending key (or value) in the model.
    pub pointer: String,
    /// Whether the problem is the key itself (unknown) rather than its value.
    pub at_key: bool,
    pub message: String,
    pub hint: Option<String>,
}

/// The committed reference, indexed once.
pub fn reference() -> &'static Reference<'static> {
    static R: OnceLock<Reference<'static>> = OnceLock::new();
    R.get_or_init(|| Reference::index(KEYS).unwrap_or_else(|e| panic!("keys.txt: {e}")))
}

impl<'a> Block<'a> {
    /// One block's body in `derive.py`'s format; `first_line` numbers its first line. Every
    /// name borrows from the text.
    fn parse(body: &'a str, first_line: usize) -> Result<Self, String> {
        let mut block = Block::default();
        for (n, line) in body.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (path, ty) = line
                .split_once('\t')
                .ok_or_else(|| format!("line {}: expected `path<TAB>type`", first_line + n))?;
            if let Some(name) = ty.strip_prefix("embed ") {
                let at = path.strip_suffix('*').unwrap_or(path).trim_end_matches('.');
                block.embeds.push((at, name));
                continue;
            }
            let kind = match ty.split_once(' ') {
                _ if ty == "mapping" => Kind::Mapping,
                _ if ty.starts_with("list of ") || ty.starts_with("map of ") => Kind::Scalar(ty),
                Some(("block", b)) => Kind::Block(b),
                Some(("list", b)) => Kind::List(b),
                Some(("map", b)) => Kind::Map(b),
                Some(("any", _)) => Kind::Any,
                _ => Kind::Scalar(ty),
            };
            if block.keys.insert(path, kind).is_none() {
                block.order.push(path);
            }
        }
        Ok(block)
    }

    /// The names of the blocks this one refers to or embeds.
    fn referred(&self) -> impl Iterator<Item = &'a str> + '_ {
        let refs = self.keys.values().filter_map(|k| match k {
            Kind::Block(x) | Kind::List(x) | Kind::Map(x) => Some(*x),
            _ => None,
        });
        refs.chain(self.embeds.iter().map(|(_, x)| *x))
    }
}

impl<'a> Reference<'a> {
    /// Finds the blocks of a key table in `derive.py`'s format without parsing their keys.
    fn index(text: &'a str) -> Result<Self, String> {
        let mut blocks: HashMap<&'a str, LazyBlock<'a>> = HashMap::with_capacity(64);
        let mut current: Option<(&'a str, usize, usize)> = None;
        let mut offset = 0;
        let close = |blocks: &mut HashMap<_, _>, open: Option<(&'a str, usize, usize)>, end| {
            if let Some((name, start, first_line)) = open {
                blocks.insert(
                    name,
                    LazyBlock {
                        body: &text[start..end],
                        first_line,
                        parsed: OnceLock::new(),
                    },
                );
            }
        };
        for (n, line) in text.split_inclusive('\n').enumerate() {
            let line_start = offset;
            offset += line.len();
            let bare = line.trim_end_matches(['\n', '\r']);
            if let Some(name) = bare.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                close(&mut blocks, current.take(), line_start);
                current = Some((name, offset, n + 2));
            } else if current.is_none() && !bare.is_empty() && !bare.starts_with('#') {
                return Err(format!("line {}: a key before any [block]", n + 1));
            }
        }
        close(&mut blocks, current.take(), text.len());
        if !blocks.contains_key("root") {
            return Err("no [root] block".into());
        }
        Ok(Reference { blocks })
    }

    /// Parses a whole key table in `derive.py`'s format and checks that every block it
    /// refers to is there (the committed table's test runs this).
    pub fn parse(text: &'a str) -> Result<Self, String> {
        let r = Reference::index(text)?;
        for (name, lazy) in &r.blocks {
            let b = Block::parse(lazy.body, lazy.first_line)?;
            for x in b.referred() {
                if !r.blocks.contains_key(x) {
                    return Err(format!("block {name} refers to {x}, which is not a block"));
                }
            }
            let _ = lazy.parsed.set(b);
        }
        Ok(r)
    }

    /// A block by name (`root`, `limits_config`, ...).
    pub fn block(&self, name: &str) -> Option<&Block<'a>> {
        let lazy = self.blocks.get(name)?;
        Some(lazy.parsed.get_or_init(|| {
            // The committed table's test parses every block ([`Reference::parse`]).
            Block::parse(lazy.body, lazy.first_line)
                .unwrap_or_else(|e| panic!("keys.txt [{name}]: {e}"))
        }))
    }

    /// Every block's name.
    pub fn block_names(&self) -> impl Iterator<Item = &str> {
        self.blocks.keys().copied()
    }

    /// How many keys the table holds, over every block.
    pub fn key_count(&self) -> usize {
        self.block_names()
            .filter_map(|n| self.block(n))
            .map(|b| b.keys.len())
            .sum()
    }

    /// What `key` under `prefix` of block `block` is, looking into embedded blocks: the block
    /// and path it was found at, and its kind.
    fn lookup<'s>(
        &'s self,
        block: &'s str,
        prefix: &str,
        key: &str,
    ) -> Option<(&'s str, String, &'s Kind<'a>)> {
        let b = self.block(block)?;
        let path = join(prefix, key);
        if let Some(k) = b.keys.get(path.as_str()) {
            return Some((block, path, k));
        }
        b.embeds
            .iter()
            .filter(|(at, _)| *at == prefix)
            .find_map(|(_, inner)| self.lookup(inner, "", key))
    }

    /// The keys directly under `prefix` of `block` (with embedded blocks'), for suggestions.
    fn children(&self, block: &str, prefix: &str) -> Vec<String> {
        let Some(b) = self.block(block) else {
            return Vec::new();
        };
        let mut out: Vec<String> = b
            .order
            .iter()
            .filter_map(|p| {
                let rest = if prefix.is_empty() {
                    Some(*p)
                } else {
                    p.strip_prefix(prefix).and_then(|r| r.strip_prefix('.'))
                };
                rest.filter(|r| !r.contains('.')).map(str::to_owned)
            })
            .collect();
        for (at, inner) in &b.embeds {
            if *at == prefix {
                out.extend(self.children(inner, ""));
            }
        }
        out
    }

    /// Checks `value`, a mapping read as block `block`, whose model location is `pointer`;
    /// `shown` is its dotted Loki path (`limits_config`, or empty for the whole config).
    /// `owned` names the model key of a Loki path the Plan owns: such a key is refused and
    /// not looked into.
    pub fn check(
        &self,
        block: &str,
        value: &Value,
        pointer: &str,
        shown: &str,
        owned: &dyn Fn(&str) -> Option<&'static Owned>,
    ) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut w = Walk {
            owned,
            out: &mut out,
        };
        self.walk(block, "", value, pointer, shown, &mut w);
        out
    }

    fn walk(
        &self,
        block: &str,
        prefix: &str,
        value: &Value,
        pointer: &str,
        shown: &str,
        w: &mut Walk<'_>,
    ) {
        let out = &mut *w.out;
        let map = match value {
            Value::Object(m) => m,
            Value::Null => return,
            other => {
                out.push(Problem {
                    pointer: pointer.to_owned(),
                    at_key: false,
                    message: format!(
                        "`{shown}` is a mapping in Loki's configuration, found {}",
                        found(other)
                    ),
                    hint: None,
                });
                return;
            }
        };
        for (key, v) in map {
            let ptr = format!("{pointer}/{}", escape(key));
            let here = join(shown, key);
            if let Some(o) = (w.owned)(&here) {
                w.out.push(Problem {
                    pointer: ptr,
                    at_key: true,
                    message: format!(
                        "`{here}` is set by the Plan, not passed through: ports, addresses, rings, storage and schema have one owner"
                    ),
                    hint: Some(format!("remove `{key}` here and set it in the model: {}", o.model_key)),
                });
                continue;
            }
            let out = &mut *w.out;
            let Some((b, path, kind)) = self.lookup(block, prefix, key) else {
                let known = self.children(block, prefix);
                let hint = did_you_mean(key, known.iter().map(String::as_str))
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| {
                        (!known.is_empty()).then(|| {
                            format!(
                                "the keys of `{}` are listed in Loki's configuration reference",
                                if shown.is_empty() {
                                    "the config"
                                } else {
                                    shown
                                }
                            )
                        })
                    });
                out.push(Problem {
                    pointer: ptr,
                    at_key: true,
                    message: format!("`{here}` is not a key of Loki {VERSION}'s configuration"),
                    hint,
                });
                continue;
            };
            match kind {
                Kind::Mapping => self.walk(b, &path, v, &ptr, &here, w),
                Kind::Block(inner) => self.walk(inner, "", v, &ptr, &here, w),
                Kind::List(inner) => match v {
                    Value::Array(items) => {
                        for (i, item) in items.iter().enumerate() {
                            let shown_item = format!("{here}[{i}]");
                            self.walk(inner, "", item, &format!("{ptr}/{i}"), &shown_item, w);
                        }
                    }
                    Value::Null => {}
                    other => out.push(Problem {
                        pointer: ptr,
                        at_key: false,
                        message: format!(
                            "`{here}` is a list of {inner} blocks, found {}",
                            found(other)
                        ),
                        hint: None,
                    }),
                },
                Kind::Map(inner) => match v {
                    Value::Object(m) => {
                        for (name, item) in m {
                            let p = format!("{ptr}/{}", escape(name));
                            self.walk(inner, "", item, &p, &join(&here, name), w);
                        }
                    }
                    Value::Null => {}
                    other => out.push(Problem {
                        pointer: ptr,
                        at_key: false,
                        message: format!(
                            "`{here}` is a mapping of names to {inner} blocks, found {}",
                            found(other)
                        ),
                        hint: None,
                    }),
                },
                Kind::Any => {}
                Kind::Scalar(ty) => {
                    if let Some(want) = scalar_mismatch(ty, v) {
                        out.push(Problem {
                            pointer: ptr,
                            at_key: false,
                            message: format!(
                                "`{here}` is {want} in Loki's configuration, found {}",
                                found(v)
                            ),
                            hint: None,
                        });
                    }
                }
            }
        }
    }
}

/// The state of one check: how owned keys are found, and the problems so far.
struct Walk<'a> {
    owned: &'a dyn Fn(&str) -> Option<&'static Owned>,
    out: &'a mut Vec<Problem>,
}

/// `None` when `v` fits the reference type `ty`, else what was expected. Lenient where Loki
/// is: an `int` may be a byte size (`100MiB`), a duration may be a bare `0`, and null leaves
/// a key at its default.
pub fn scalar_mismatch(ty: &str, v: &Value) -> Option<&'static str> {
    let ok = match ty {
        _ if v.is_null() => true,
        "boolean" => v.is_boolean(),
        "int" => v.is_i64() || v.is_u64() || v.is_string(),
        "float" => v.is_number(),
        "duration" => v.is_string() || v.is_number(),
        "list of strings" => v.is_array() || v.is_string(),
        t if t.starts_with("map of") => v.is_object(),
        _ => !v.is_object() && !v.is_array(),
    };
    if ok {
        return None;
    }
    Some(match ty {
        "boolean" => "a boolean",
        "int" => "an integer",
        "float" => "a number",
        "duration" => "a duration",
        "list of strings" => "a list of strings",
        t if t.starts_with("map of") => "a mapping",
        _ => "a single value",
    })
}

/// The JSON Schema of a reference type, agreeing with [`scalar_mismatch`] (editors read it;
/// the loader checks the same rule).
pub fn type_schema(kind: &Kind) -> Value {
    let types: &[&str] = match kind {
        Kind::Scalar(ty) => match *ty {
            "boolean" => &["boolean", "null"],
            "int" => &["integer", "string", "null"],
            "float" => &["number", "null"],
            "duration" => &["string", "number", "null"],
            "list of strings" => &["array", "string", "null"],
            t if t.starts_with("map of") => &["object", "null"],
            _ => &["string", "number", "boolean", "null"],
        },
        Kind::Mapping | Kind::Block(_) | Kind::Map(_) => &["object", "null"],
        Kind::List(_) => &["array", "null"],
        Kind::Any => return Value::Bool(true),
    };
    serde_json::json!({ "type": types })
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

/// A key as a JSON pointer segment.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_block_of_the_committed_table_parses_and_refers_to_blocks_that_exist() {
        // reference() parses a block the first time a check reads it; this is the check
        // that none of them can fail then.
        let r = Reference::parse(KEYS).unwrap();
        assert_eq!(r.block_names().count(), 45);
        assert_eq!(r.key_count(), reference().key_count());
    }

    #[test]
    fn a_broken_table_is_refused_with_its_line() {
        let missing = "[root]\nserver\tblock server\n";
        assert_eq!(
            Reference::parse(missing).unwrap_err(),
            "block root refers to server, which is not a block"
        );
        let untabbed = "# c\n[root]\ntarget string\n";
        assert_eq!(
            Reference::parse(untabbed).unwrap_err(),
            "line 3: expected `path<TAB>type`"
        );
        assert_eq!(
            Reference::parse("target\tstring\n[root]\n").unwrap_err(),
            "line 1: a key before any [block]"
        );
        assert_eq!(Reference::parse("[x]\n").unwrap_err(), "no [root] block");
    }

    #[test]
    fn the_committed_table_parses_and_knows_the_incident_keys() {
        let r = reference();
        assert!(r.key_count() > 1500, "{}", r.key_count());
        let v = json!({"ingestion_rate_mb": 50, "split_queries_by_interval": "30m",
            "otlp_config": {"resource_attributes": {"attributes_config": [
                {"action": "index_label", "attributes": ["k8s.pod.name"]}]}}});
        assert_eq!(
            r.check("limits_config", &v, "/limits", "limits_config", &|_| None),
            vec![]
        );
    }

    #[test]
    fn a_typo_gets_a_suggestion_and_reused_blocks_are_followed() {
        let r = reference();
        let v = json!({"limits_config": {"ingestion_rate_mbs": 5},
            "chunk_store_config": {"chunk_cache_config": {"memcached": {"batch_sise": 4}}}});
        let p = r.check("root", &v, "/loki/config", "", &|_| None);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(
            p[0].pointer,
            "/loki/config/limits_config/ingestion_rate_mbs"
        );
        assert_eq!(
            p[0].hint.as_deref(),
            Some("did you mean `ingestion_rate_mb`?")
        );
        assert_eq!(
            p[1].message,
            "`chunk_store_config.chunk_cache_config.memcached.batch_sise` is not a key of Loki 3.5.7's configuration"
        );
        assert_eq!(p[1].hint.as_deref(), Some("did you mean `batch_size`?"));
    }

    #[test]
    fn values_are_checked_against_their_type() {
        let r = reference();
        let v = json!({"reject_old_samples": "yes", "ingestion_rate_mb": 1.5});
        let p = r.check("limits_config", &v, "/limits", "limits_config", &|_| None);
        assert_eq!(p.len(), 1);
        assert!(p[0].message.contains("is a boolean"), "{}", p[0].message);
    }
}
