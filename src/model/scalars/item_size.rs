//! A memcached item size (`-I`): bytes, or `k`/`m` (KiB/MiB).

use super::checked::string_rule;

string_rule!(
    /// A memcached size like `5m` or `512k`.
    ItemSize,
    ItemSizeRule,
    r"^[1-9][0-9]{0,9}[km]?$",
    "a memcached size like `1m`, `512k` or `1048576` (bytes)",
    ["5m", "512k", "1048576", "1m"],
    ["", "0", "05m", "5M", "5mb", "1.5m", "5 m"]
);

impl ItemSize {
    /// The size in bytes (at most 10 digits times 1 MiB: no overflow).
    pub fn bytes(&self) -> u64 {
        let s = self.as_str();
        let (digits, mult) = match s.as_bytes().last() {
            Some(b'm') => (&s[..s.len() - 1], 1 << 20),
            Some(b'k') => (&s[..s.len() - 1], 1 << 10),
            _ => (s, 1),
        };
        digits.parse::<u64>().unwrap_or(u64::MAX / (1 << 20)) * mult
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_and_bytes() {
        crate::model::scalars::checked::check_rule::<ItemSizeRule>();
        assert_eq!(ItemSize::new("5m").unwrap().bytes(), 5 << 20);
        assert_eq!(ItemSize::new("512k").unwrap().bytes(), 512 << 10);
        assert_eq!(ItemSize::new("1000").unwrap().bytes(), 1000);
        assert_eq!(
            ItemSize::new("9999999999m").unwrap().bytes(),
            9_999_999_999 << 20
        );
    }
}
