//! One line of a flow log, split into fields without copying or allocating.
//!
//! AWS separates fields with exactly one space, so a field is the bytes between two spaces;
//! the splitter stops at the last column the caller needs, which for a record on no Loki
//! port is the later of the two port columns.

/// The most columns a line may have (versions 2 to 9 define 42 fields).
pub const MAX_COLS: usize = 64;

/// Field boundaries of one line: field `i` is `line[start[i]..end[i]]`.
pub struct Fields {
    start: [u32; MAX_COLS],
    end: [u32; MAX_COLS],
    /// How many fields are split so far.
    pub len: usize,
    /// Where the next field starts (past the last space found), or `None` at the line's end.
    next: Option<u32>,
}

impl Fields {
    /// Nothing split yet.
    #[inline]
    pub fn new() -> Fields {
        Fields {
            start: [0; MAX_COLS],
            end: [0; MAX_COLS],
            len: 0,
            next: Some(0),
        }
    }

    /// Splits fields until field `upto` is known or the line ends. Returns whether it is.
    #[inline]
    pub fn split_to(&mut self, line: &[u8], upto: usize) -> bool {
        while self.len <= upto {
            let Some(s) = self.next else { return false };
            if self.len == MAX_COLS {
                return false;
            }
            let s = s as usize;
            match memchr::memchr(b' ', &line[s..]) {
                Some(i) => {
                    self.start[self.len] = s as u32;
                    self.end[self.len] = (s + i) as u32;
                    self.next = Some((s + i + 1) as u32);
                }
                None => {
                    self.start[self.len] = s as u32;
                    self.end[self.len] = line.len() as u32;
                    self.next = None;
                }
            }
            self.len += 1;
        }
        true
    }

    /// Whether the line has more fields after the ones split.
    #[inline]
    pub fn more(&self) -> bool {
        self.next.is_some()
    }

    /// Field `i` (split already).
    #[inline(always)]
    pub fn get<'a>(&self, line: &'a [u8], i: usize) -> &'a [u8] {
        &line[self.start[i] as usize..self.end[i] as usize]
    }
}

impl Default for Fields {
    fn default() -> Self {
        Fields::new()
    }
}

/// A decimal number that fits `u64`; `None` for `-`, empty, or anything else.
#[inline(always)]
pub fn parse_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 19 {
        return None;
    }
    let mut v: u64 = 0;
    for &b in s {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u64::from(d);
    }
    Some(v)
}

/// A port number; `None` when not a number or above 65535.
#[inline(always)]
pub fn parse_port(s: &[u8]) -> Option<u16> {
    if s.is_empty() || s.len() > 5 {
        return None;
    }
    let mut v: u32 = 0;
    for &b in s {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u32::from(d);
    }
    u16::try_from(v).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_lazily() {
        let line = b"2 123 eni-1 10.0.0.1 10.0.32.9 4101 51000";
        let mut f = Fields::new();
        assert!(f.split_to(line, 2));
        assert_eq!(f.len, 3);
        assert_eq!(f.get(line, 2), b"eni-1");
        assert!(f.split_to(line, 6));
        assert_eq!(f.get(line, 6), b"51000");
        assert!(!f.more());
        assert!(!f.split_to(line, 7));
    }

    #[test]
    fn empty_fields_are_fields() {
        let line = b"a  b";
        let mut f = Fields::new();
        assert!(f.split_to(line, 2));
        assert_eq!(f.get(line, 1), b"");
        assert_eq!(f.get(line, 2), b"b");
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_u64(b"0"), Some(0));
        assert_eq!(
            parse_u64(b"18446744073709551615"),
            None,
            "20 digits refused"
        );
        assert_eq!(parse_u64(b"-"), None);
        assert_eq!(parse_u64(b"12a"), None);
        assert_eq!(parse_port(b"65535"), Some(65535));
        assert_eq!(parse_port(b"65536"), None);
        assert_eq!(parse_port(b""), None);
    }
}
