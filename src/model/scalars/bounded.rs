//! [`Bounded`]: a whole number within a range that its type carries, for both `Deserialize`
//! and the JSON Schema.

use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A whole number from `MIN` to `MAX`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Bounded<const MIN: u32, const MAX: u32>(u32);

/// Pod replicas of a workload.
pub type Replicas = Bounded<0, 1000>;
/// memcached item memory, MiB (`-m`): memcached needs at least a few slabs.
pub type MemoryMb = Bounded<16, 1_048_576>;
/// memcached's simultaneous connections (`-c`).
pub type ConnectionLimit = Bounded<1, 1_000_000>;
/// `max_concurrent_tail_requests`.
pub type TailLimit = Bounded<0, 100_000>;
/// `max_query_parallelism`: queries a frontend runs at once per tenant.
pub type QueryParallelism = Bounded<1, 1_000_000>;
/// `max_streams_per_user` (0: no limit).
pub type StreamLimit = Bounded<0, 1_000_000_000>;
/// A count of pods or nodes.
pub type Count = Bounded<0, 100_000>;
/// A PodDisruptionBudget's `maxUnavailable`: 0 would block every voluntary eviction (node
/// drains, upgrades), so it starts at 1.
pub type MaxUnavailable = Bounded<1, 1000>;
/// A utilisation target, percent of the requests.
pub type Percent = Bounded<1, 1000>;
/// A component's slot in the per-component port layout.
pub type Slot = Bounded<0, 999>;

impl<const MIN: u32, const MAX: u32> Bounded<MIN, MAX> {
    /// The number, or the message every reader shows for one out of range.
    pub fn new(v: i64) -> Result<Self, String> {
        if v < i64::from(MIN) {
            Err(format!("{v} is below the minimum {MIN}"))
        } else if v > i64::from(MAX) {
            Err(format!("{v} is above the maximum {MAX}"))
        } else {
            Ok(Bounded(v as u32))
        }
    }

    /// A value known to be in range (presets).
    pub const fn preset(v: u32) -> Self {
        assert!(v >= MIN && v <= MAX);
        Bounded(v)
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl<const MIN: u32, const MAX: u32> fmt::Display for Bounded<MIN, MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<const MIN: u32, const MAX: u32> Serialize for Bounded<MIN, MAX> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self.0)
    }
}

impl<'de, const MIN: u32, const MAX: u32> Deserialize<'de> for Bounded<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = i64::deserialize(d)?;
        Bounded::new(v).map_err(serde::de::Error::custom)
    }
}

impl<const MIN: u32, const MAX: u32> JsonSchema for Bounded<MIN, MAX> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Integer{MIN}To{MAX}").into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "integer", "minimum": MIN, "maximum": MAX })
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
        assert_eq!(Replicas::new(1000).unwrap().get(), 1000);
        assert_eq!(
            Replicas::new(5000).unwrap_err(),
            "5000 is above the maximum 1000"
        );
        assert_eq!(MemoryMb::new(4).unwrap_err(), "4 is below the minimum 16");
    }
}
