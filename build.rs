//! Embeds the built-in templates (every file under `src/render/templates/`, sorted by path),
//! and names the build's source: `PORTPLAN_BUILD_DIGEST` is the digest of every file under
//! `src/`, `Cargo.toml`, `Cargo.lock` and the compiler's version, so gen's memo
//! (src/output/memo.rs) never trusts a result from a build whose code could render otherwise.

#[path = "src/digest.rs"]
#[allow(dead_code)]
mod digest;

use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("templates folder")
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The digest of the source this build compiles.
fn build_digest(manifest_dir: &Path) -> String {
    let mut files = Vec::new();
    walk(&manifest_dir.join("src"), &mut files);
    files.push(manifest_dir.join("Cargo.toml"));
    files.push(manifest_dir.join("Cargo.lock"));
    let mut d = digest::Digest::new();
    for f in &files {
        let rel = f
            .strip_prefix(manifest_dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        // A file that vanished mid-build (an editor's swap file) makes the next build rerun.
        let bytes = std::fs::read(f).unwrap_or_default();
        d.field(rel.as_bytes()).field(&bytes);
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = std::process::Command::new(rustc)
        .arg("-vV")
        .output()
        .map(|o| o.stdout)
        .unwrap_or_default();
    d.field(&version);
    d.hex()
}

fn main() {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    for p in ["src", "Cargo.toml", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={}", manifest_dir.join(p).display());
    }
    println!(
        "cargo:rustc-env=PORTPLAN_BUILD_DIGEST={}",
        build_digest(manifest_dir)
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/render/templates");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    walk(&root, &mut files);
    let mut code = String::from(
        "/// Built-in templates: (path relative to the output folder, text).\npub const BUILTIN: &[(&str, &str)] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f
            .strip_prefix(&root)
            .unwrap()
            .to_str()
            .expect("UTF-8 template path")
            .replace('\\', "/");
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("builtin_templates.rs");
    std::fs::write(out, code).unwrap();
}
