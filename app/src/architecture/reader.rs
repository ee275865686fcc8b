//! Reading the source: every `crate::…` path of every file, with `use` trees expanded.
use std::{
    collections::BTreeSet,
    fs,
    path::{Path, PathBuf},
};

/// A use of `crate::<top>::<next>` in a file of module `from`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Import {
    pub from: String,
    pub to: String,
    pub module: String,
    pub file: String,
}

pub fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

pub fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read src").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Source without comments (line comments and doc comments): names in prose are not imports.
pub fn code(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::a::b…` path in `code`, with `use crate::{a::{b, c}, d}` trees expanded.
pub fn crate_paths(code: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().last();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c == '$' || c.is_alphanumeric() || c == '_') {
            continue;
        }
        let (tree, used) = use_tree(rest);
        rest = &rest[used..];
        paths.extend(tree);
    }
    paths
}

/// Parses a path or a `{…}` tree at the start of `s`: the expanded paths and the bytes read.
fn use_tree(s: &str) -> (Vec<String>, usize) {
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut segments = String::new();
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'{' {
            i += 1;
            let mut out = Vec::new();
            loop {
                while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b',') {
                    i += 1;
                }
                if i >= bytes.len() || bytes[i] == b'}' {
                    i += 1;
                    break;
                }
                let (inner, used) = use_tree(&s[i..]);
                // Anything that is not a path (`as` renames are read as paths too) moves on a byte.
                i += used.max(1);
                out.extend(inner.into_iter().map(|p| format!("{segments}{p}")));
            }
            return (out, i);
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || b"_*".contains(&bytes[i])) {
            i += 1;
        }
        segments.push_str(&s[start..i]);
        if s[i..].starts_with("::") {
            segments.push_str("::");
            i += 2;
            continue;
        }
        // `path as name`: the name is not a path.
        let after = s[i..].trim_start();
        if let Some(renamed) = after.strip_prefix("as ") {
            let name = renamed.trim_start();
            let len = name
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(name.len());
            i = s.len() - name.len() + len;
        }
        return (vec![segments], i);
    }
}

pub fn imports() -> Vec<Import> {
    let root = src();
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut out = BTreeSet::new();
    for path in files {
        let rel = path.strip_prefix(&root).expect("under src");
        let first = rel.iter().next().and_then(|c| c.to_str()).unwrap_or("");
        let from = first.trim_end_matches(".rs").to_string();
        let text = fs::read_to_string(&path).expect("read file");
        for p in crate_paths(&code(&text)) {
            let mut parts = p.split("::");
            let to = parts.next().unwrap_or("").to_string();
            let module = parts.next().unwrap_or("").to_string();
            if to != from && !to.is_empty() {
                out.insert(Import {
                    from: from.clone(),
                    to,
                    module,
                    file: rel.display().to_string(),
                });
            }
        }
    }
    out.into_iter().collect()
}
