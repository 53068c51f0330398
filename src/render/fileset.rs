//! FileSet: the complete output of one run, path -> bytes, in a stable order.

use std::collections::BTreeMap;

/// File name of the manifest inside the output folder, where the writer records what `gen`
/// wrote: the one path no rendered file may take (it decides what the next run deletes).
pub const MANIFEST: &str = ".portplan-manifest.json";

/// An ordered map from a relative output path to the file's bytes.
///
/// Paths are checked on insert: relative, `/`-separated, made only of normal components, so
/// nothing in a FileSet can point outside the output folder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileSet {
    files: BTreeMap<String, Vec<u8>>,
}

impl FileSet {
    pub fn new() -> Self {
        FileSet::default()
    }

    /// Adds a file; errors when the path could escape the output folder.
    pub fn insert(&mut self, path: &str, bytes: Vec<u8>) -> Result<(), String> {
        check_relative_path(path)?;
        self.files.insert(path.to_owned(), bytes);
        Ok(())
    }

    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(path).map(Vec::as_slice)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// A path is safe when it is relative and every component is a plain name.
pub fn check_relative_path(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("empty path".into());
    }
    if path.starts_with('/') || path.contains('\\') || path.contains('\0') {
        return Err(format!("`{}` is not a relative path", path.escape_debug()));
    }
    for part in path.split('/') {
        if part.is_empty() || part == "." || part == ".." {
            return Err(format!(
                "`{}` leaves the output folder or has an empty component",
                path.escape_debug()
            ));
        }
        if part.chars().any(char::is_control) {
            return Err(format!("`{}` has a control character", path.escape_debug()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_escaping_paths() {
        let mut fs = FileSet::new();
        assert!(fs.insert("chart/values.yaml", vec![]).is_ok());
        for bad in [
            "../x",
            "/etc/passwd",
            "a/../../b",
            "a//b",
            "./a",
            "a\\b",
            "",
            "a/\n",
        ] {
            assert!(fs.insert(bad, vec![]).is_err(), "{bad:?}");
        }
    }
}
