//! Positions: byte offsets in a file or a line as the 1-based line and character column
//! that findings print.

use crate::yaml::Location;

/// The 1-based line and character column of byte `offset`. Counting from the start of the
/// file is linear, which is fine: it runs once per finding, not per line.
pub fn location_of(bytes: &[u8], offset: usize) -> Location {
    let before = &bytes[..offset.min(bytes.len())];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    // Characters, not bytes: count every byte that does not continue a UTF-8 sequence.
    let column = before[line_start..]
        .iter()
        .filter(|b| (**b & 0xC0) != 0x80)
        .count()
        + 1;
    Location::new(
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// The byte index in `line` of a 1-based character column.
pub fn byte_col(line: &str, at: Location) -> usize {
    line.char_indices()
        .nth(at.column.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i)
}

/// 1-based line and character column of byte index `col` in `line`.
pub fn location_in_line(line: &str, no: u32, col: usize) -> Location {
    let col = col.min(line.len());
    let chars = line.as_bytes()[..col]
        .iter()
        .filter(|b| (**b & 0xC0) != 0x80)
        .count();
    Location::new(no, chars as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        assert_eq!(location_of(b"ab\ncd", 4), Location::new(2, 2));
        assert_eq!(location_of("é:1".as_bytes(), 3), Location::new(1, 3));
    }
}
