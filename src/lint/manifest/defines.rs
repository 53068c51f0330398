//! Text searches over a whole file or document: the `define`d helpers and what their bodies
//! say, and whether a word appears outside comments. Helper files are sequences of defines,
//! and an `include` can sit anywhere, so these do not follow indentation.

use memchr::memmem;

/// Whether `needle` occurs in `text` on a line that is not a comment.
pub(super) fn mentions_outside_comments(text: &str, needle: &str) -> bool {
    memmem::find_iter(text.as_bytes(), needle.as_bytes()).any(|i| {
        let start = memchr::memrchr(b'\n', &text.as_bytes()[..i]).map_or(0, |n| n + 1);
        !text[start..i].trim_start().starts_with('#')
    })
}

/// Names of the `define`d templates in `text` whose body mentions `needle`. A body runs to
/// the next `define`: helper files are sequences of defines, so that is where one ends.
pub(super) fn defines_with<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    let finder = memmem::Finder::new(b"define \"");
    let starts: Vec<usize> = finder.find_iter(text.as_bytes()).collect();
    let mut out = Vec::new();
    for (i, &s) in starts.iter().enumerate() {
        let name_start = s + "define \"".len();
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        // The name ends before the next define starts: `define "a define "b"` names no
        // template `a define `, and its quote is not this define's.
        let Some(len) = text[name_start..end].find('"') else {
            continue;
        };
        let body = &text[name_start + len..end];
        if body.contains(needle) {
            out.push(&text[name_start..name_start + len]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_define_without_its_closing_quote_ends_at_the_next_define() {
        // Found by the scanner fuzzer: the name's quote was searched past the next define,
        // and the body slice started after its end.
        let text = "{{ define \"a {{ define \"b\" }}trafficDistribution{{ end }}";
        assert_eq!(defines_with(text, "trafficDistribution"), vec!["b"]);
    }
}
