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

/// Splits `text` into whitespace-separated words, keeping a template action (`{{ .port }}`)
/// whole; each word with its character offset in `text`.
pub fn words(text: &str) -> Vec<(&str, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i == b.len() {
            break;
        }
        let start = i;
        let mut braces = 0usize;
        while i < b.len() && (braces > 0 || !b[i].is_ascii_whitespace()) {
            if b[i] == b'{' && b.get(i + 1) == Some(&b'{') {
                braces += 1;
                i += 2;
            } else if b[i] == b'}' && b.get(i + 1) == Some(&b'}') && braces > 0 {
                braces -= 1;
                i += 2;
            } else {
                i += 1;
            }
        }
        let chars = text[..start].chars().count();
        out.push((&text[start..i], chars));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_words() {
        assert_eq!(location_of(b"ab\ncd", 4), Location::new(2, 2));
        assert_eq!(location_of("é:1".as_bytes(), 3), Location::new(1, 3));
        assert_eq!(
            words("-u {{ .port | int }}  -v"),
            [("-u", 0), ("{{ .port | int }}", 3), ("-v", 22)]
        );
    }
}
