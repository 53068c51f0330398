//! [`RateMb`]: a positive rate or size in megabytes (`limits.ingestion_rate_mb`), a number
//! as Loki reads it (float), checked the same way by `Deserialize` and the JSON Schema.

use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Megabytes (per second, for a rate): above 0, at most [`RateMb::MAX`].
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct RateMb(f64);

impl RateMb {
    /// The largest value taken (1 TB/s: anything above is a typo).
    pub const MAX: f64 = 1_000_000.0;

    /// The rate, or the message every reader shows for one out of range.
    pub fn new(v: f64) -> Result<Self, String> {
        if !v.is_finite() || v <= 0.0 {
            Err(format!("{v} is not above 0 (megabytes)"))
        } else if v > Self::MAX {
            Err(format!("{v} is above the maximum {}", Self::MAX))
        } else {
            Ok(RateMb(v))
        }
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

impl fmt::Display for RateMb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for RateMb {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0)
    }
}

impl<'de> Deserialize<'de> for RateMb {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        RateMb::new(v).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for RateMb {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RateMb".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "number", "exclusiveMinimum": 0, "maximum": RateMb::MAX })
    }
    fn inline_schema() -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        assert_eq!(RateMb::new(50.0).unwrap().get(), 50.0);
        assert!(RateMb::new(0.0).is_err());
        assert!(RateMb::new(-1.0).is_err());
        assert!(RateMb::new(2e6).is_err());
        assert!(serde_json::from_value::<RateMb>(serde_json::json!(12)).is_ok());
    }
}
