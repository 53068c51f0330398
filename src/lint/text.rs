//! Positions in raw file bytes.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        assert_eq!(location_of(b"ab\ncd", 4), Location::new(2, 2));
        assert_eq!(location_of("é:1".as_bytes(), 3), Location::new(1, 3));
    }
}
