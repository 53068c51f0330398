//! Splitting a buffer into lines and fields in one pass, without copying or allocating.
//!
//! AWS separates fields with exactly one space and records with a newline. The splitter
//! compares 64 bytes at a time against both (SSE2, which every x86-64 has; eight-byte SWAR
//! elsewhere), turns the result into bit masks and walks their set bits: a field boundary
//! costs a `tzcnt`, not a mispredicted branch per byte or a vector search per field, which
//! is what bounds a per-field `memchr` on 1 to 15 byte fields.

/// The most columns a line may have (versions 2 to 9 define 42 fields).
pub const MAX_COLS: usize = 64;

/// Field boundaries of one line, as offsets into the scanned buffer: the separators, so
/// one store per field. `sep[0]` is the line's start minus one; field `i` is
/// `buf[sep[i] + 1..sep[i + 1]]`.
pub struct Fields {
    sep: [u32; SEPS],
    /// How many fields the line has (`MAX_COLS + 1` when it has more than [`MAX_COLS`]).
    pub len: usize,
}

/// The separator slots: a power of two above `MAX_COLS`, so an index is masked instead of
/// checked (a line with more fields wraps around harmlessly and is refused by its count).
const SEPS: usize = 128;

impl Fields {
    pub fn new() -> Fields {
        Fields {
            sep: [0; SEPS],
            len: 0,
        }
    }

    /// Field `i` (`i < len`).
    #[inline(always)]
    pub fn get<'a>(&self, buf: &'a [u8], i: usize) -> &'a [u8] {
        &buf[self.sep[i].wrapping_add(1) as usize..self.sep[i + 1] as usize]
    }
}

impl Default for Fields {
    fn default() -> Self {
        Fields::new()
    }
}

/// Masks of the spaces and newlines in 64 bytes.
#[inline(always)]
fn masks(block: &[u8; 64]) -> (u64, u64) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::*;
        // SAFETY: SSE2 is part of the x86-64 baseline; the loads are unaligned loads of
        // 16 bytes each within the 64-byte block.
        unsafe {
            let sp = _mm_set1_epi8(b' ' as i8);
            let nl = _mm_set1_epi8(b'\n' as i8);
            let mut s = 0u64;
            let mut n = 0u64;
            for k in 0..4 {
                let v = _mm_loadu_si128(block.as_ptr().add(16 * k) as *const __m128i);
                s |= (_mm_movemask_epi8(_mm_cmpeq_epi8(v, sp)) as u16 as u64) << (16 * k);
                n |= (_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl)) as u16 as u64) << (16 * k);
            }
            (s, n)
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let mut s = 0u64;
        let mut n = 0u64;
        for (k, &b) in block.iter().enumerate() {
            s |= u64::from(b == b' ') << k;
            n |= u64::from(b == b'\n') << k;
        }
        (s, n)
    }
}

/// Calls `each(line_start, line_end, fields)` for every newline-terminated line of `buf`,
/// in order, until it returns `false`. Returns the offset after the last line handed over
/// (where an incomplete last line starts). `line_end` excludes the newline and a `\r`
/// before it; the fields exclude them too.
#[inline]
pub fn scan(
    buf: &[u8],
    fields: &mut Fields,
    mut each: impl FnMut(usize, usize, &Fields) -> bool,
) -> usize {
    let mut line_start = 0usize;
    // The field count lives in a register; `fields.len` is written only for `each`.
    let mut len = 0usize;
    fields.sep[0] = u32::MAX; // line 0 starts at 0: "-1"
    let mut base = 0usize;
    let mut tail = [0u8; 64];
    while base < buf.len() {
        let block: &[u8; 64] = if base + 64 <= buf.len() {
            buf[base..base + 64].try_into().expect("64 bytes")
        } else {
            // The last partial block, padded with bytes that are neither separator.
            let n = buf.len() - base;
            tail[..n].copy_from_slice(&buf[base..]);
            tail[n..].fill(0);
            &tail
        };
        let (mut sp, mut nl) = masks(block);
        // Spaces before the next newline are stored without asking which separator each
        // bit is; the one data-dependent branch per line is the newline's.
        loop {
            let below = if nl == 0 {
                u64::MAX
            } else {
                (nl & nl.wrapping_neg()) - 1
            };
            let mut s = sp & below;
            sp &= !below;
            while s != 0 {
                len += 1;
                fields.sep[len & (SEPS - 1)] = (base + s.trailing_zeros() as usize) as u32;
                s &= s - 1;
            }
            if nl == 0 {
                break;
            }
            let pos = base + nl.trailing_zeros() as usize;
            nl &= nl - 1;
            len += 1;
            let cr = pos > line_start && buf[pos - 1] == b'\r';
            let end = pos - usize::from(cr);
            fields.sep[len & (SEPS - 1)] = end as u32;
            fields.len = len.min(MAX_COLS + 1);
            if !each(line_start, end, fields) {
                return line_start;
            }
            line_start = pos + 1;
            fields.sep[0] = pos as u32;
            len = 0;
        }
        base += 64;
    }
    fields.len = 0;
    line_start
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

    fn split(buf: &[u8]) -> (Vec<Vec<String>>, usize) {
        let mut f = Fields::new();
        let mut out = Vec::new();
        let rest = scan(buf, &mut f, |_, _, f| {
            out.push(
                (0..f.len.min(MAX_COLS))
                    .map(|i| String::from_utf8(f.get(buf, i).to_vec()).unwrap())
                    .collect(),
            );
            true
        });
        (out, rest)
    }

    #[test]
    fn lines_and_fields_across_blocks() {
        // Lines of every length from 1 to 150 bytes cross the 64-byte blocks at every offset.
        let mut buf = Vec::new();
        let mut want = Vec::new();
        for n in 1..150usize {
            let words: Vec<String> = (0..n / 7 + 1)
                .map(|i| format!("{i:0w$}", w = 1 + n % 6))
                .collect();
            buf.extend_from_slice(words.join(" ").as_bytes());
            buf.push(b'\n');
            want.push(words);
        }
        buf.extend_from_slice(b"partial line");
        let (got, rest) = split(&buf);
        assert_eq!(got, want);
        assert_eq!(&buf[rest..], b"partial line");
    }

    #[test]
    fn empty_fields_cr_and_empty_lines() {
        let (got, rest) = split(b"a  b\r\n\nc\n");
        assert_eq!(got, vec![vec!["a", "", "b"], vec![""], vec!["c"]]);
        assert_eq!(rest, 9);
    }

    #[test]
    fn too_many_fields_is_counted_not_stored() {
        let line = format!("{}\n", vec!["x"; MAX_COLS + 5].join(" "));
        let mut f = Fields::new();
        scan(line.as_bytes(), &mut f, |_, _, f| {
            assert_eq!(f.len, MAX_COLS + 1);
            true
        });
    }

    #[test]
    fn stops_when_asked() {
        let mut f = Fields::new();
        let mut n = 0;
        let rest = scan(b"a\nb\nc\n", &mut f, |_, _, _| {
            n += 1;
            n < 2
        });
        assert_eq!((n, rest), (2, 2), "the second line is handed back");
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
