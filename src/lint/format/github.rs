use crate::diag::Severity;
use crate::lint::Report;

/// GitHub Actions workflow commands, one per finding:
/// `::error file=F,line=L,col=C,title=RULE::MESSAGE`, which GitHub shows as annotations on
/// the pull request's diff. The hint follows the message on its own line.
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let d = &f.diagnostic;
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!(
            "::{command} file={},line={},col={},title={}::{}\n",
            escape_property(&d.path),
            d.line,
            d.column,
            escape_property(f.rule),
            escape_data(&format!("{}\nhelp: {}", d.message, f.hint()))
        ));
    }
    out
}

/// Escapes a command's message as GitHub's toolkit does: `%`, `\r`, `\n`.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: the message escapes, plus `:` and `,`, which separate
/// properties.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_data("50%\r\nx"), "50%25%0D%0Ax");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
