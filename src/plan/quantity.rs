//! Kubernetes quantities, just enough to add up requests for the resource summary.

use std::fmt;

/// CPU in millicores.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cpu(pub u64);

/// Memory in bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Memory(pub u64);

impl Cpu {
    pub fn parse(s: &str) -> Result<Cpu, String> {
        let err = || format!("`{s}` is not a CPU quantity like `250m` or `1.5`");
        if let Some(m) = s.strip_suffix('m') {
            return m.parse::<u64>().map(Cpu).map_err(|_| err());
        }
        decimal_times(s, 1000).map(Cpu).ok_or_else(err)
    }
}

impl Memory {
    pub fn parse(s: &str) -> Result<Memory, String> {
        const UNITS: [(&str, u64); 8] = [
            ("Ki", 1 << 10),
            ("Mi", 1 << 20),
            ("Gi", 1 << 30),
            ("Ti", 1 << 40),
            ("k", 1_000),
            ("M", 1_000_000),
            ("G", 1_000_000_000),
            ("T", 1_000_000_000_000),
        ];
        let err = || format!("`{s}` is not a memory quantity like `512Mi` or `2Gi`");
        let (num, mult) = UNITS
            .iter()
            .find_map(|(u, m)| s.strip_suffix(u).map(|n| (n, *m)))
            .unwrap_or((s, 1));
        decimal_times(num, mult).map(Memory).ok_or_else(err)
    }
}

/// `12.5` * mult, exactly, for a plain decimal without exponent.
fn decimal_times(s: &str, mult: u64) -> Option<u64> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole = int.parse::<u64>().ok()?.checked_mul(mult)?;
    if frac.is_empty() {
        return Some(whole);
    }
    let digits = u32::try_from(frac.len()).ok().filter(|d| *d <= 9)?;
    let part = frac.parse::<u64>().ok()?.checked_mul(mult)? / 10u64.pow(digits);
    whole.checked_add(part)
}

impl fmt::Display for Cpu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_multiple_of(1000) {
            write!(f, "{}", self.0 / 1000)
        } else {
            write!(f, "{}m", self.0)
        }
    }
}

impl fmt::Display for Memory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let gib = 1u64 << 30;
        let mib = 1u64 << 20;
        if self.0 >= gib && self.0.is_multiple_of(gib) {
            write!(f, "{}Gi", self.0 / gib)
        } else if self.0.is_multiple_of(mib) {
            write!(f, "{}Mi", self.0 / mib)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

impl Cpu {
    /// Whole cores with two decimals, for totals people read.
    pub fn cores(self) -> String {
        format!("{}.{:02}", self.0 / 1000, (self.0 % 1000) / 10)
    }
}

impl Memory {
    /// GiB with one decimal, for totals people read.
    pub fn gib(self) -> String {
        let tenths = (self.0 * 10 + (1 << 29)) >> 30;
        format!("{}.{} GiB", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quantities() {
        assert_eq!(Cpu::parse("250m").unwrap(), Cpu(250));
        assert_eq!(Cpu::parse("1.5").unwrap(), Cpu(1500));
        assert_eq!(Cpu::parse("2").unwrap(), Cpu(2000));
        assert!(Cpu::parse("x").is_err());
        assert_eq!(Memory::parse("512Mi").unwrap(), Memory(512 << 20));
        assert_eq!(Memory::parse("1.5Gi").unwrap(), Memory(3 << 29));
        assert_eq!(Memory::parse("1G").unwrap(), Memory(1_000_000_000));
        assert_eq!(Memory(3 << 29).to_string(), "1536Mi");
        assert_eq!(Memory(2 << 30).to_string(), "2Gi");
        assert_eq!(Memory(3 << 29).gib(), "1.5 GiB");
        assert_eq!(Cpu(7990).cores(), "7.99");
        assert_eq!(Memory(256 << 20).to_string(), "256Mi");
        assert_eq!(Cpu(1500).to_string(), "1500m");
    }
}
