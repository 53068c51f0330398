//! Scalars and optional fields as `arbitrary` builds them.

use super::yaml::unquoted;
use super::*;

/// A YAML scalar token as it is written in the file.
pub struct Scalar(pub(crate) String);

/// A string value of kind `K`: valid, or now and then just past the rule or hostile.
pub struct Str<K>(pub(crate) Scalar, PhantomData<K>);

impl<'a, K: Kind> Arbitrary<'a> for Str<K> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let text = match choice(u)? {
            0x40..=0x47 if !K::invalid().is_empty() => pick(u, K::invalid())?.to_owned(),
            0x40..=0x4F => hostile(u)?,
            _ => pick(u, K::valid())?.to_owned(),
        };
        let token = if K::NUMERIC && u.int_in_range(0u8..=3)? < 3 {
            serde_json::to_string(&text).expect("strings serialise")
        } else {
            styled(u, &text)?
        };
        Ok(Str(Scalar(token), PhantomData))
    }
}

impl<K> Str<K> {
    /// The token as written (quotes included).
    pub(crate) fn token(&self) -> &str {
        &(self.0).0
    }
    /// The token's text, as YAML reads it for the words compared here.
    pub(crate) fn text(&self) -> &str {
        unquoted(self.token())
    }
}

/// A whole number of kind `K`: valid, or now and then any u16, just out of range, oddly
/// spelt (`1e3`, `0o17`, quoted) or hostile.
pub struct Num<K>(pub(crate) Scalar, PhantomData<K>);

impl<'a, K: Numbers> Arbitrary<'a> for Num<K> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let token = match choice(u)? {
            0x40..=0x43 => u16::arbitrary(u)?.to_string(),
            0x44..=0x47 => pick(u, K::invalid())?.to_string(),
            0x48..=0x4B => pick(u, ODD_NUMBERS)?.to_owned(),
            0x4C..=0x4F => {
                let h = hostile(u)?;
                styled(u, &h)?
            }
            _ => pick(u, K::valid())?.to_string(),
        };
        Ok(Num(Scalar(token), PhantomData))
    }
}

/// A boolean: mostly `true` or `false`, sometimes a YAML 1.1 spelling (a string in YAML
/// 1.2), a quoted one, or a hostile string.
pub struct Flag(pub(crate) Scalar);

impl<'a> Arbitrary<'a> for Flag {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let token = match choice(u)? {
            0x40..=0x43 => pick(
                u,
                &[
                    "yes", "no", "on", "off", "True", "FALSE", "\"true\"", "1", "0", "~", "y",
                ],
            )?
            .to_owned(),
            0x44..=0x47 => {
                let h = hostile(u)?;
                styled(u, &h)?
            }
            b if b % 2 == 0 => "true".to_owned(),
            _ => "false".to_owned(),
        };
        Ok(Flag(Scalar(token)))
    }
}

/// A key the model must have: present unless (rarely) left out.
pub struct Required<T>(pub(crate) Option<T>);

impl<'a, T: Arbitrary<'a>> Arbitrary<'a> for Required<T> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Required(if rarely(u, 8)? {
            None
        } else {
            Some(T::arbitrary(u)?)
        }))
    }
}

/// Something a model seldom has (an explicit port, a disabled component): present one time
/// in eight, so that most models keep the defaults that work together.
pub struct Sometimes<T>(pub(crate) Option<T>);

impl<'a, T: Arbitrary<'a>> Arbitrary<'a> for Sometimes<T> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Sometimes(if rarely(u, 32)? {
            Some(T::arbitrary(u)?)
        } else {
            None
        }))
    }
}

/// Something a model should not have (an unknown key, a setting where it does not apply):
/// present one time in 32.
pub struct Rare<T>(pub(crate) Option<T>);

impl<'a, T: Arbitrary<'a>> Arbitrary<'a> for Rare<T> {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        Ok(Rare(if rarely(u, 8)? {
            Some(T::arbitrary(u)?)
        } else {
            None
        }))
    }
}
