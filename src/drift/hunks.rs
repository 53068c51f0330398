//! Line diffs as unified-diff hunks (`diff -u`), with an optional rule that makes the
//! generated-file header compare equal whatever model path it names.

use serde::Serialize;
use similar::{Algorithm, DiffOp, capture_diff_slices, group_diff_ops};

use crate::render::header;

/// Unchanged lines shown around each change, as `diff -u`.
pub const CONTEXT: usize = 3;

/// The marker unified diffs put under a last line that has no newline.
const NO_NEWLINE: &str = "\\ No newline at end of file";

/// Which lines compare equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineRule {
    /// Byte for byte: what `gen` would rewrite.
    Exact,
    /// Like `Exact`, except that two header lines ([`header::is_header_line`]) are equal:
    /// where the model was when a chart was generated is not drift.
    IgnoreHeader,
}

/// One hunk. Starts are 1-based as in `@@ -old_start,old_lines +new_start,new_lines @@`
/// (an empty range starts at the line before it, 0 at the top). Each line is the text
/// prefixed with ` ` (context), `-` (old side only) or `+` (new side only), without its
/// newline; a last line without one is followed by `\ No newline at end of file`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hunk {
    pub old_start: usize,
    pub old_lines: usize,
    pub new_start: usize,
    pub new_lines: usize,
    pub lines: Vec<String>,
}

impl Hunk {
    /// The `@@ -a,b +c,d @@` line.
    pub fn range_line(&self) -> String {
        format!(
            "@@ -{},{} +{},{} @@",
            self.old_start, self.old_lines, self.new_start, self.new_lines
        )
    }
}

/// How two texts differ: the hunks and how many lines each side has that the other lacks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineDiff {
    pub hunks: Vec<Hunk>,
    /// Lines only the new side has.
    pub added: usize,
    /// Lines only the old side has.
    pub removed: usize,
}

impl LineDiff {
    /// Whether the texts are equal under the rule used.
    pub fn is_empty(&self) -> bool {
        self.hunks.is_empty()
    }
}

/// Compares `old` with `new` line by line.
pub fn diff_lines(old: &str, new: &str, rule: LineRule) -> LineDiff {
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = capture_diff_slices(
        Algorithm::Myers,
        &keys(&old_lines, rule),
        &keys(&new_lines, rule),
    );

    let mut diff = LineDiff::default();
    for op in ops.iter().filter(|op| !matches!(op, DiffOp::Equal { .. })) {
        diff.removed += op.old_range().len();
        diff.added += op.new_range().len();
    }
    if diff.added == 0 && diff.removed == 0 {
        return diff;
    }
    for group in group_diff_ops(ops, CONTEXT) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let old_range = first.old_range().start..last.old_range().end;
        let new_range = first.new_range().start..last.new_range().end;
        let mut lines = Vec::new();
        for op in &group {
            let (tag, o, n) = op.as_tag_tuple();
            match tag {
                similar::DiffTag::Equal => push_lines(&mut lines, ' ', &old_lines[o]),
                similar::DiffTag::Delete => push_lines(&mut lines, '-', &old_lines[o]),
                similar::DiffTag::Insert => push_lines(&mut lines, '+', &new_lines[n]),
                similar::DiffTag::Replace => {
                    push_lines(&mut lines, '-', &old_lines[o]);
                    push_lines(&mut lines, '+', &new_lines[n]);
                }
            }
        }
        diff.hunks.push(Hunk {
            old_start: start_of(&old_range),
            old_lines: old_range.len(),
            new_start: start_of(&new_range),
            new_lines: new_range.len(),
            lines,
        });
    }
    diff
}

/// What the diff compares for each line: the line, or `None` for a header line, which then
/// equals every other header line and no content line.
fn keys<'a>(lines: &[&'a str], rule: LineRule) -> Vec<Option<&'a str>> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| (rule == LineRule::Exact || !header::is_header_line(i, l)).then_some(*l))
        .collect()
}

fn start_of(range: &std::ops::Range<usize>) -> usize {
    if range.is_empty() {
        range.start
    } else {
        range.start + 1
    }
}

fn push_lines(out: &mut Vec<String>, prefix: char, lines: &[&str]) {
    for line in lines {
        match line.strip_suffix('\n') {
            Some(text) => out.push(format!("{prefix}{text}")),
            None => {
                out.push(format!("{prefix}{line}"));
                out.push(NO_NEWLINE.to_owned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_changed_line_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
        let d = diff_lines(old, new, LineRule::Exact);
        assert_eq!((d.added, d.removed), (1, 1));
        assert_eq!(d.hunks.len(), 1);
        let h = &d.hunks[0];
        assert_eq!(h.range_line(), "@@ -2,7 +2,7 @@");
        assert_eq!(h.lines, [" b", " c", " d", "-e", "+E", " f", " g", " h"]);
    }

    #[test]
    fn insertion_at_the_top_and_missing_newline() {
        let d = diff_lines("x", "new\nx\n", LineRule::Exact);
        assert_eq!(d.hunks[0].range_line(), "@@ -1,1 +1,2 @@");
        assert_eq!(
            d.hunks[0].lines,
            ["-x", NO_NEWLINE, "+new", "+x"],
            "{:?}",
            d.hunks
        );
        let d = diff_lines("", "a\n", LineRule::Exact);
        assert_eq!(d.hunks[0].range_line(), "@@ -0,0 +1,1 @@");
    }

    #[test]
    fn header_lines_are_equal_only_under_the_header_rule() {
        let old = "# Code generated by portplan from a.yaml. DO NOT EDIT.\nkind: Service\n";
        let new = "# Code generated by portplan from b/c.yaml. DO NOT EDIT.\nkind: Service\n";
        assert!(diff_lines(old, new, LineRule::IgnoreHeader).is_empty());
        assert_eq!(diff_lines(old, new, LineRule::Exact).added, 1);
        // Further down the same words are content.
        let old = "a\nb\nc\nd\n# Code generated by portplan from a.yaml. DO NOT EDIT.\n";
        let new = "a\nb\nc\nd\n# Code generated by portplan from b.yaml. DO NOT EDIT.\n";
        assert_eq!(diff_lines(old, new, LineRule::IgnoreHeader).removed, 1);
    }

    #[test]
    fn distant_changes_make_separate_hunks() {
        let old: String = (0..30).map(|i| format!("{i}\n")).collect();
        let new: String = (0..30)
            .map(|i| match i {
                2 => "two\n".to_owned(),
                25 => "twenty-five\n".to_owned(),
                _ => format!("{i}\n"),
            })
            .collect();
        let d = diff_lines(&old, &new, LineRule::Exact);
        assert_eq!(d.hunks.len(), 2);
        assert_eq!(d.hunks[1].range_line(), "@@ -23,7 +23,7 @@");
    }
}
