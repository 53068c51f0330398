//! [`Checked`]: a string that matched its rule's pattern when it was read.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Mutex, OnceLock};

use regex_lite::Regex;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One rule for a string value of the model.
pub trait StringRule {
    /// The schema definition's name (`DnsLabel`, `Bucket`, ...).
    const NAME: &'static str;
    /// The whole rule, as an anchored regular expression that both `regex-lite` and ECMA-262
    /// (JSON Schema validators, editors) read the same way: ASCII classes only, no
    /// lookaround, no backreferences, no flags.
    const PATTERN: &'static str;
    /// What a valid value is, completing "`x` is not ...": `a DNS-1035 label (...)`.
    const EXPECTED: &'static str;
    /// Values that must match, for the rule's tests and the schema's `examples`.
    const EXAMPLES: &'static [&'static str];
    /// Values that must not match, for the rule's tests.
    const COUNTER_EXAMPLES: &'static [&'static str];
}

/// A string that follows rule `R`. Deserialising one checks it; the type's JSON Schema is
/// the same rule.
pub struct Checked<R> {
    value: String,
    rule: PhantomData<R>,
}

/// The compiled pattern of a rule, compiled once per process.
fn regex_of<R: StringRule>() -> &'static Regex {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, &'static Regex>>> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    cache.entry(R::NAME).or_insert_with(|| {
        // A rule's pattern is a constant that the rule's own test compiles.
        let re = Regex::new(R::PATTERN).unwrap_or_else(|e| panic!("{}: {e}", R::NAME));
        Box::leak(Box::new(re))
    })
}

impl<R: StringRule> Checked<R> {
    /// Checks `value` against the rule; the error is the message every reader shows.
    pub fn new(value: impl Into<String>) -> Result<Self, String> {
        let value = value.into();
        if regex_of::<R>().is_match(&value) {
            Ok(Checked {
                value,
                rule: PhantomData,
            })
        } else {
            Err(Self::message(&value))
        }
    }

    /// "`x` is not ...": the message for a value that breaks the rule.
    pub fn message(value: &str) -> String {
        format!("`{}` is not {}", value.escape_debug(), R::EXPECTED)
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl<R> Clone for Checked<R> {
    fn clone(&self) -> Self {
        Checked {
            value: self.value.clone(),
            rule: PhantomData,
        }
    }
}

impl<R> PartialEq for Checked<R> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<R> Eq for Checked<R> {}

impl<R> PartialOrd for Checked<R> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<R> Ord for Checked<R> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl<R> fmt::Debug for Checked<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<R> fmt::Display for Checked<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

impl<R> std::ops::Deref for Checked<R> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.value
    }
}

impl<R> AsRef<str> for Checked<R> {
    fn as_ref(&self) -> &str {
        &self.value
    }
}

impl<R> From<Checked<R>> for String {
    fn from(c: Checked<R>) -> String {
        c.value
    }
}

impl<R> Serialize for Checked<R> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.value)
    }
}

impl<'de, R: StringRule> Deserialize<'de> for Checked<R> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Checked::new(s).map_err(serde::de::Error::custom)
    }
}

impl<R: StringRule> JsonSchema for Checked<R> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        R::NAME.into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": R::PATTERN,
            // Read by explain (validate's messages) and by editors built on the VS Code JSON
            // language service, so all three say the same words.
            "patternErrorMessage": format!("is not {}", R::EXPECTED),
            "examples": R::EXAMPLES,
        })
    }
}

/// Every rule's pattern compiles, accepts its examples and refuses its counter-examples.
#[cfg(test)]
pub(crate) fn check_rule<R: StringRule>() {
    let re = Regex::new(R::PATTERN).unwrap_or_else(|e| panic!("{}: {e}", R::NAME));
    assert!(
        R::PATTERN.starts_with('^') && R::PATTERN.ends_with('$'),
        "{}",
        R::NAME
    );
    for ok in R::EXAMPLES {
        assert!(re.is_match(ok), "{} must accept {ok:?}", R::NAME);
    }
    for bad in R::COUNTER_EXAMPLES {
        assert!(!re.is_match(bad), "{} must refuse {bad:?}", R::NAME);
    }
}

/// Declares a rule and its checked type: `string_rule!(Alias, Rule, pattern, "what it is",
/// [examples], [counter-examples]);`. The schema definition is named after the alias.
macro_rules! string_rule {
    ($(#[$doc:meta])* $alias:ident, $rule:ident, $pattern:expr, $expected:expr,
     [$($ok:literal),* $(,)?], [$($bad:literal),* $(,)?]) => {
        #[doc = concat!("The rule of [`", stringify!($alias), "`].")]
        pub struct $rule;
        impl $crate::model::scalars::StringRule for $rule {
            const NAME: &'static str = stringify!($alias);
            const PATTERN: &'static str = $pattern;
            const EXPECTED: &'static str = $expected;
            const EXAMPLES: &'static [&'static str] = &[$($ok),*];
            const COUNTER_EXAMPLES: &'static [&'static str] = &[$($bad),*];
        }
        $(#[$doc])*
        pub type $alias = $crate::model::scalars::Checked<$rule>;
    };
}
pub(crate) use string_rule;
