//! Diagnostics: one finding or error, with where it is and what to do about it.

use std::fmt;
use std::io::IsTerminal;

use serde::Serialize;

/// A 1-based line and column in a source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Location {
    pub line: u32,
    pub column: u32,
}

impl Location {
    pub fn new(line: u32, column: u32) -> Self {
        Location { line, column }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// A second place that explains a diagnostic (for a collision: the other side).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// One error or warning about an input file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
}

impl Diagnostic {
    pub fn error(path: &str, at: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.to_owned(),
            line: at.line,
            column: at.column,
            message: message.into(),
            hint: None,
            related: Vec::new(),
        }
    }

    pub fn warning(path: &str, at: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, at, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_related(mut self, path: &str, at: Location, message: impl Into<String>) -> Self {
        self.related.push(Related {
            path: path.to_owned(),
            line: at.line,
            column: at.column,
            message: message.into(),
        });
        self
    }

    pub fn location(&self) -> Location {
        Location::new(self.line, self.column)
    }

    /// Renders the diagnostic as a person reads it: the position, the message, the source
    /// line with a caret under the column, the hint and the related places.
    pub fn render(&self, source: Option<&str>, style: Style) -> String {
        self.render_coded(None, source, style)
    }

    /// [`Diagnostic::render`] with the name of the check that found it after the severity,
    /// as compilers print lint names: `error[client-port-drift]: ...`.
    pub fn render_coded(&self, code: Option<&str>, source: Option<&str>, style: Style) -> String {
        let mut out = String::new();
        let word = match code {
            Some(c) => format!("{}[{c}]", self.severity),
            None => self.severity.to_string(),
        };
        let sev = match self.severity {
            Severity::Error => style.paint("1;31", &word),
            Severity::Warning => style.paint("1;33", &word),
        };
        out.push_str(&format!(
            "{}: {sev}: {}\n",
            style.paint("1", &format!("{}:{}:{}", self.path, self.line, self.column)),
            self.message
        ));
        if let Some(src) = source {
            push_snippet(&mut out, src, self.location(), style);
        }
        for r in &self.related {
            out.push_str(&format!(
                "  {}: note: {}\n",
                style.paint("1", &format!("{}:{}:{}", r.path, r.line, r.column)),
                r.message
            ));
        }
        if let Some(h) = &self.hint {
            out.push_str(&format!("  {} {h}\n", style.paint("1;36", "help:")));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.render(None, Style::plain()).trim_end())
    }
}

fn push_snippet(out: &mut String, source: &str, at: Location, style: Style) {
    let Some(line) = source.lines().nth(at.line.saturating_sub(1) as usize) else {
        return;
    };
    // Long or binary-looking lines would bury the message; a clipped line is still enough to
    // find the spot.
    let shown: String = line.chars().take(160).collect();
    let gutter = at.line.to_string();
    let pad = " ".repeat(gutter.len());
    let caret_col = (at.column.saturating_sub(1) as usize).min(shown.chars().count());
    let lead: String = shown
        .chars()
        .take(caret_col)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    out.push_str(&format!(
        "{pad} |\n{gutter} | {shown}\n{pad} | {lead}{}\n",
        style.paint("1;31", "^")
    ));
}

/// Whether to colour output: only on a terminal, never with `NO_COLOR` set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    color: bool,
}

impl Style {
    pub fn plain() -> Self {
        Style { color: false }
    }

    /// Colour for stderr when it is a terminal and `NO_COLOR` is unset or empty.
    pub fn for_stderr() -> Self {
        Style {
            color: color_allowed() && std::io::stderr().is_terminal(),
        }
    }

    /// Colour for stdout when it is a terminal and `NO_COLOR` is unset or empty.
    pub fn for_stdout() -> Self {
        Style {
            color: color_allowed() && std::io::stdout().is_terminal(),
        }
    }

    pub fn is_color(&self) -> bool {
        self.color
    }

    pub fn paint(&self, sgr: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{sgr}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

fn color_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// An error that stops a command: the diagnostics to print, and the exit status is 2.
#[derive(Debug)]
pub struct Failure {
    pub diagnostics: Vec<Diagnostic>,
    /// The text of the file the diagnostics point into, for snippets.
    pub source: Option<String>,
}

impl Failure {
    pub fn new(diagnostics: Vec<Diagnostic>, source: Option<String>) -> Self {
        Failure {
            diagnostics,
            source,
        }
    }

    /// A failure with no position in any file (I/O, bad flags).
    pub fn plain(path: &str, message: impl Into<String>) -> Self {
        Failure::new(
            vec![Diagnostic::error(path, Location::new(0, 0), message)],
            None,
        )
    }

    pub fn render(&self, style: Style) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            if d.line == 0 {
                out.push_str(&format!(
                    "{}: {}: {}\n",
                    d.path,
                    style.paint("1;31", "error"),
                    d.message
                ));
                if let Some(h) = &d.hint {
                    out.push_str(&format!("  {} {h}\n", style.paint("1;36", "help:")));
                }
            } else {
                out.push_str(&d.render(self.source.as_deref(), style));
            }
        }
        out
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.render(Style::plain()).trim_end())
    }
}

impl std::error::Error for Failure {}
