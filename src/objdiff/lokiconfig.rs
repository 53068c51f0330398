//! Finding the Loki config in a rendered stream, and reading the facts the breakers judge.
//!
//! Charts ship Loki's config as a ConfigMap or Secret key named `config.yaml` or
//! `loki.yaml` (a Secret's `data` in base64, or `stringData`). That text is parsed as YAML
//! so that it compares by key path (`limits_config.max_concurrent_tail_requests`) and the
//! breakers can ask what `auth_enabled`, the schema periods, the storage and the memberlist
//! ring are.

use serde_json::Value;

use super::object::Object;

/// The data keys that hold a Loki config.
pub const CONFIG_KEYS: &[&str] = &["config.yaml", "loki.yaml"];

/// The text of each data key of a ConfigMap or Secret (Secret `data` decoded from base64),
/// in key order. Keys whose value is not text are left out.
pub fn data_texts(kind: &str, value: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match kind {
        "ConfigMap" => {
            if let Some(Value::Object(d)) = value.get("data") {
                for (k, v) in d {
                    if let Some(s) = v.as_str() {
                        out.push((k.clone(), s.to_owned()));
                    }
                }
            }
        }
        "Secret" => {
            if let Some(Value::Object(d)) = value.get("stringData") {
                for (k, v) in d {
                    if let Some(s) = v.as_str() {
                        out.push((k.clone(), s.to_owned()));
                    }
                }
            }
            if let Some(Value::Object(d)) = value.get("data") {
                for (k, v) in d {
                    if let Some(s) = v.as_str().and_then(base64_text)
                        && !out.iter().any(|(o, _)| o == k)
                    {
                        out.push((k.clone(), s));
                    }
                }
            }
        }
        _ => {}
    }
    out
}

/// A Loki config as parsed YAML, and the object that holds it.
#[derive(Clone, Debug)]
pub struct LokiConfig {
    /// `ConfigMap loki/loki` `config.yaml`.
    pub holder: String,
    pub key: String,
    pub value: Value,
}

impl LokiConfig {
    /// The value at a dotted path (`common.replication_factor`).
    pub fn get(&self, dotted: &str) -> Option<&Value> {
        dotted.split('.').try_fold(&self.value, |v, k| v.get(k))
    }

    /// `auth_enabled`, Loki's default (true) when unset.
    pub fn auth_enabled(&self) -> bool {
        self.get("auth_enabled")
            .and_then(Value::as_bool)
            .unwrap_or(true)
    }
}

/// Parses a data text as a Loki config: YAML that is a mapping with one of Loki's top-level
/// blocks.
pub fn parse_config(text: &str) -> Option<Value> {
    let v = crate::yaml::parse_located(text).ok()?.value;
    let is_loki = v.as_object().is_some_and(|m| {
        [
            "server",
            "schema_config",
            "common",
            "auth_enabled",
            "ingester",
            "limits_config",
        ]
        .iter()
        .any(|k| m.contains_key(*k))
    });
    is_loki.then_some(v)
}

/// The first Loki config among `objects` (by key order of the stream).
pub fn find(objects: &[&Object]) -> Option<LokiConfig> {
    for obj in objects {
        for (key, text) in data_texts(&obj.key.kind, &obj.value) {
            if CONFIG_KEYS.contains(&key.as_str())
                && let Some(value) = parse_config(&text)
            {
                return Some(LokiConfig {
                    holder: obj.key.shown(),
                    key,
                    value,
                });
            }
        }
    }
    None
}

/// Decodes standard base64 (with or without padding) into UTF-8 text.
fn base64_text(s: &str) -> Option<String> {
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' | b'\n' | b'\r' => continue,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_base64() {
        assert_eq!(
            base64_text("YXV0aF9lbmFibGVkOiBmYWxzZQo=").as_deref(),
            Some("auth_enabled: false\n")
        );
    }
}
