use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A Kubernetes minor version, written `"1.31"` (a patch, `"1.31.2"`, is accepted and ignored).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct KubeVersion {
    pub major: u32,
    pub minor: u32,
}

impl KubeVersion {
    pub const fn new(major: u32, minor: u32) -> Self {
        KubeVersion { major, minor }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim().trim_start_matches('v');
        let mut parts = t.split('.');
        let (Some(ma), Some(mi)) = (parts.next(), parts.next()) else {
            return Err(format!("`{s}` is not a Kubernetes version like \"1.31\""));
        };
        let patch_ok = parts
            .next()
            .is_none_or(|p| p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty());
        match (ma.parse(), mi.parse()) {
            (Ok(major), Ok(minor)) if patch_ok && parts.next().is_none() && major == 1 => {
                Ok(KubeVersion { major, minor })
            }
            _ => Err(format!("`{s}` is not a Kubernetes version like \"1.31\"")),
        }
    }
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl Serialize for KubeVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for KubeVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = KubeVersion;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a quoted Kubernetes version like \"1.31\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KubeVersion, E> {
                KubeVersion::parse(v).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<KubeVersion, E> {
                // `1.30` unquoted is the number 1.3: refuse it instead of guessing.
                Err(E::custom(format!(
                    "kubeVersion must be a quoted string: unquoted, YAML reads it as the number {v}"
                )))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<KubeVersion, E> {
                Err(E::custom(format!(
                    "`{v}` is not a Kubernetes version like \"1.31\""
                )))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<KubeVersion, E> {
                self.visit_u64(v.unsigned_abs())
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for KubeVersion {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "KubeVersion".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^v?1\\.[0-9]+(\\.[0-9]+)?$",
            "description": "The lowest Kubernetes version the deployment must run on, quoted: \"1.31\".",
            "examples": ["1.31"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        assert_eq!(KubeVersion::parse("1.31").unwrap(), KubeVersion::new(1, 31));
        assert_eq!(
            KubeVersion::parse("v1.30.2").unwrap(),
            KubeVersion::new(1, 30)
        );
        assert!(KubeVersion::parse("1").is_err());
        assert!(KubeVersion::parse("2.1").is_err());
        assert!(KubeVersion::parse("1.x").is_err());
    }
}
