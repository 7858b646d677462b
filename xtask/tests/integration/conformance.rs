//! `docs/conformance.md` stays true: every test it names exists, and no row is marked
//! exact without a test.
#![allow(clippy::unwrap_used)] // a test over the repository's files: a panic is the report

use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Every `fn name` in the workspace's Rust sources (tests are functions too).
fn functions() -> HashSet<String> {
    fn walk(dir: &Path, out: &mut HashSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                if !name.starts_with('.') && name != "target" {
                    walk(&path, out);
                }
            } else if name.ends_with(".rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for rest in text.split("fn ").skip(1) {
                    let ident: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if !ident.is_empty() {
                        out.insert(ident);
                    }
                }
            }
        }
    }
    let mut out = HashSet::new();
    for dir in ["crates", "tests", "examples", "xtask", "fuzz-bodies"] {
        walk(&root().join(dir), &mut out);
    }
    out
}

/// The table rows: (line number, cells).
fn rows() -> Vec<(usize, Vec<String>)> {
    let text = std::fs::read_to_string(root().join("docs/conformance.md")).unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            l.starts_with('|') && !l.starts_with("|---") && !l.starts_with("| guide section")
        })
        .map(|(n, l)| {
            let cells = l
                .trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect();
            (n + 1, cells)
        })
        .collect()
}

/// The test names of a cell: backticked paths like `crate::file::test_name`.
fn tests_named(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .filter(|t| t.contains("::") && !t.contains(' ') && !t.contains('('))
        .map(|t| t.rsplit("::").next().unwrap().to_string())
        .filter(|t| {
            t.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
        .collect()
}

#[test]
fn every_test_the_conformance_table_names_exists() {
    let functions = functions();
    let rows = rows();
    assert!(rows.len() > 100, "the table shrank to {} rows", rows.len());
    let mut missing = vec![];
    for (line, cells) in &rows {
        let Some(test) = cells.get(2) else { continue };
        for name in tests_named(test) {
            if !functions.contains(&name) {
                missing.push(format!("docs/conformance.md:{line}: no `fn {name}`"));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn no_row_is_exact_without_a_test() {
    let mut bare = vec![];
    for (line, cells) in rows() {
        let (Some(test), Some(status)) = (cells.get(2), cells.get(3)) else {
            continue;
        };
        let exact = status.trim_start_matches("**").starts_with("exact");
        if exact && tests_named(test).is_empty() {
            bare.push(format!(
                "docs/conformance.md:{line}: exact, but names no test"
            ));
        }
    }
    assert!(bare.is_empty(), "{}", bare.join("\n"));
}

#[test]
fn the_checks_can_fail() {
    assert_eq!(
        tests_named("`veritrans-sandbox::pop::no_such_test`, `RC03`"),
        ["no_such_test"]
    );
    assert!(!functions().contains("no_such_test"));
}
