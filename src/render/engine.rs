//! The template engine: Tera 2 with `[[ ]]`, `[% %]`, `[# #]` delimiters, so Helm's `{{ }}`
//! passes through untouched.

use std::collections::BTreeMap;
use std::path::Path;

use tera::{Context, Delimiters, Kwargs, State, Tera};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_templates.rs"));
}

/// Template sources by output-relative path: the built-in set, overlaid by a user folder.
pub struct Templates {
    sources: BTreeMap<String, String>,
}

impl Templates {
    pub fn builtin() -> Self {
        Templates {
            sources: builtin::BUILTIN
                .iter()
                .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
                .collect(),
        }
    }

    /// Overrides built-in templates with the files of `dir` at the same relative path, and
    /// adds the others; returns the relative paths `dir` holds, sorted. Symlinks are not
    /// followed, so a template folder cannot pull in files from elsewhere; paths are checked
    /// like every output path.
    pub fn overlay(&mut self, dir: &Path) -> Result<Vec<String>, String> {
        let mut added = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            let entries = std::fs::read_dir(&d)
                .map_err(|e| format!("{}: cannot read the template folder: {e}", d.display()))?;
            for entry in entries {
                let entry = entry.map_err(|e| format!("{}: {e}", d.display()))?;
                let path = entry.path();
                let ft = entry
                    .file_type()
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                if ft.is_symlink() {
                    return Err(format!("{}: templates may not be symlinks", path.display()));
                }
                if ft.is_dir() {
                    stack.push(path);
                    continue;
                }
                let rel = path
                    .strip_prefix(dir)
                    .ok()
                    .and_then(|r| r.to_str())
                    .ok_or_else(|| format!("{}: template paths must be UTF-8", path.display()))?
                    .replace('\\', "/");
                super::fileset::check_relative_path(&rel).map_err(|e| format!("template {e}"))?;
                if rel == super::fileset::MANIFEST {
                    // The manifest decides what the next run deletes: never a template's.
                    return Err(format!(
                        "{}: a template may not replace {}, the list of files gen wrote",
                        path.display(),
                        super::fileset::MANIFEST
                    ));
                }
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                self.sources.insert(rel.clone(), text);
                added.push(rel);
            }
        }
        added.sort();
        Ok(added)
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.sources.keys().map(String::as_str)
    }

    /// Compiles every template.
    pub fn compile(&self) -> Result<Engine, String> {
        let mut tera = Tera::new();
        tera.set_delimiters(Delimiters {
            block_start: "[%".into(),
            block_end: "%]".into(),
            variable_start: "[[".into(),
            variable_end: "]]".into(),
            comment_start: "[#".into(),
            comment_end: "#]".into(),
        })
        .map_err(|e| e.to_string())?;
        tera.autoescape_on(Vec::<&str>::new());
        tera.register_filter("yaml", yaml_filter);
        tera.register_filter("quote", quote_filter);
        tera.register_filter("wrap", wrap_filter);
        // All at once: a template may include one that sorts after it. Tera's report names
        // the template and line.
        tera.add_raw_templates(self.sources.iter().map(|(p, t)| (p.as_str(), t.as_str())))
            .map_err(|e| one_line(&e))?;
        Ok(Engine { tera })
    }
}

/// Compiled templates.
pub struct Engine {
    tera: Tera,
}

impl Engine {
    pub fn render(&self, path: &str, context: &Context) -> Result<String, String> {
        self.tera
            .render(path, context)
            .map_err(|e| format!("template {path}: {}", one_line(&e)))
    }
}

/// Tera's error with its causes, one line.
fn one_line(e: &tera::Error) -> String {
    let mut msg = e.to_string().trim_start_matches("error: ").to_owned();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// `x | yaml`: a value as a YAML flow scalar. Strings become double-quoted JSON strings, so
/// no quote, newline or `: ` in them can become YAML structure. (A `{{` inside stays text:
/// Helm evaluates template files only, and this chart never passes values through `tpl`.)
fn yaml_filter(v: &tera::Value, _: Kwargs, _: &State) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// `x | quote`: a string as a double-quoted literal, safe in YAML, Alloy and nginx.
fn quote_filter(v: &str, _: Kwargs, _: &State) -> String {
    serde_json::to_string(v).expect("strings serialise")
}

/// `x | wrap`: prose broken at spaces into lines of at most 96 characters (a word longer
/// than that stays whole), for NOTES.txt.
fn wrap_filter(v: &str, _: Kwargs, _: &State) -> String {
    wrap(v, 96)
}

fn wrap(v: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in v.split(' ').filter(|w| !w.is_empty()) {
        if line > 0 && line + 1 + word.len() > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.len();
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn wrap_breaks_at_spaces() {
        assert_eq!(super::wrap("aa bb cc", 5), "aa bb\ncc");
        assert_eq!(super::wrap("a verylongword b", 4), "a\nverylongword\nb");
        assert_eq!(super::wrap("", 4), "");
    }
}
