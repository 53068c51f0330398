//! One line's YAML syntax, on template source: a `key: value` split, a value without its
//! comment and quotes, the items of a flow sequence. Each walks the line with the one
//! [`TemplateScan`], so a `:`, `#` or `,` inside an action or a quoted string is never
//! taken for syntax.

use super::Scalar;
use crate::lint::position::{byte_col, location_in_line};
use crate::lint::template_scan::{Class, Quotes, TemplateScan};

/// Whether a line has a template action (`{{`) in it.
pub(super) fn has_action(rest: &str) -> bool {
    let b = rest.as_bytes();
    memchr::memchr_iter(b'{', b).any(|i| b.get(i + 1) == Some(&b'{'))
}

/// Whether a line holds nothing but template actions (`{{- if .x }}`, `{{- include ... }}`).
pub(super) fn is_template_only(rest: &str) -> bool {
    rest.starts_with("{{")
        && TemplateScan::new(rest, Quotes::Plain).all(|(i, c, class)| {
            // Whitespace as `str::trim` sees it; a character's continuation bytes follow
            // its first.
            class != Class::Text
                || (c & 0xC0) == 0x80
                || rest[i..].chars().next().is_some_and(char::is_whitespace)
        })
}

/// Splits `key: value` at the first `:` followed by a space or the end of the line, outside
/// quotes and template actions. Returns the unquoted key, the raw value and the value's
/// byte offset in `rest`.
pub(super) fn split_key(rest: &str) -> Option<(&str, &str, usize)> {
    let b = rest.as_bytes();
    for (i, c, class) in TemplateScan::new(rest, Quotes::AtStart) {
        if class != Class::Text {
            continue;
        }
        if c == b'#' && (i == 0 || b[i - 1] == b' ') {
            return None;
        }
        if c == b':' && (i + 1 == b.len() || b[i + 1] == b' ') {
            let key = unquote(rest[..i].trim_end());
            if key.is_empty() || key.contains("{{") {
                return None;
            }
            let after = &rest[i + 1..];
            let lead = after.len() - after.trim_start().len();
            return Some((key, after.trim_start(), i + 1 + lead));
        }
    }
    None
}

fn unquote(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        &s[1..s.len() - 1]
    } else {
        s
    }
}

/// A value without its trailing comment and quotes, located at its first character.
pub(super) fn clean_value<'a>(
    value: &'a str,
    line: &'a str,
    no: u32,
    col: usize,
) -> Option<Scalar<'a>> {
    let v = strip_comment(value).trim_end();
    if v.is_empty() {
        return None;
    }
    let b = v.as_bytes();
    let (text, shift) = if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0]
    {
        (&v[1..v.len() - 1], 1)
    } else {
        (v, 0)
    };
    Some(Scalar {
        text,
        at: location_in_line(line, no, col + shift),
    })
}

/// Cuts a ` # comment`, outside quotes and template actions.
pub(super) fn strip_comment(v: &str) -> &str {
    let b = v.as_bytes();
    TemplateScan::new(v, Quotes::AtWordStart)
        .find(|&(i, c, class)| class == Class::Text && c == b'#' && (i == 0 || b[i - 1] == b' '))
        .map_or(v, |(i, _, _)| &v[..i])
}

/// The items of a flow sequence `[a, "b", '{{ c }}']`, each located.
pub(super) fn flow_items<'a>(v: &Scalar<'a>, line: &'a str, no: u32) -> Vec<Scalar<'a>> {
    let Some(inner) = v.text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) else {
        return Vec::new();
    };
    // Byte column of `inner` in the line.
    let base = byte_col(line, v.at) + 1;
    let mut out = Vec::new();
    let mut push = |from: usize, to: usize| {
        let piece = &inner[from..to];
        let lead = piece.len() - piece.trim_start().len();
        if let Some(s) = clean_value(piece.trim(), line, no, base + from + lead) {
            out.push(s);
        }
    };
    let mut scan = TemplateScan::new(inner, Quotes::Anywhere);
    let mut start = 0;
    for (i, c, class) in scan.by_ref() {
        if class == Class::Text && c == b',' {
            push(start, i);
            start = i + 1;
        }
    }
    // The last item has no comma; an unclosed string or action drops it.
    if scan.in_text() {
        push(start, inner.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_comments() {
        assert_eq!(split_key("a: b"), Some(("a", "b", 3)));
        assert_eq!(split_key("\"a\":  b"), Some(("a", "b", 6)));
        assert_eq!(split_key("a:"), Some(("a", "", 2)));
        assert_eq!(split_key("http://x:1"), None);
        assert_eq!(split_key("--addr=:{{ .p }}"), None);
        assert_eq!(split_key("{{ .a }}: b"), None);
        assert_eq!(strip_comment("1 # x"), "1 ");
        assert_eq!(strip_comment("\"a # b\""), "\"a # b\"");
        assert!(is_template_only("{{- if .x }}"));
        assert!(is_template_only("{{- include \"a\" . }} {{ end }}"));
        assert!(!is_template_only("{{ .x }}: y"));
    }
}
