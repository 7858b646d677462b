//! Replays every committed fuzz input through the targets' bodies on stable: the seeds
//! (`fuzz/seeds/<target>/`) and every crash found so far (`fuzz/regressions/<target>/`).
//! A body panics on a crash or a broken invariant, so this test fails then.

use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// `(target, file)` for every file under `dir/<target>/`.
fn inputs(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let Ok(targets) = std::fs::read_dir(dir) else {
        return out;
    };
    for target in targets.flatten() {
        let name = target.file_name().to_string_lossy().into_owned();
        assert!(
            fuzz_bodies::target(&name).is_some(),
            "{}: no fuzz target is called `{name}`",
            dir.display()
        );
        for file in std::fs::read_dir(target.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            if file.path().is_file() {
                out.push((name.clone(), file.path()));
            }
        }
    }
    out.sort();
    out
}

fn replay(kind: &str) -> usize {
    let all = inputs(&fuzz_dir().join(kind));
    for (target, path) in &all {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let body = fuzz_bodies::target(target).unwrap_or_else(|| panic!("no target {target}"));
        // The file's name in the panic message (below) says which input broke.
        eprintln!(
            "{kind}/{target}/{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        body(&data);
    }
    all.len()
}

#[test]
fn every_regression_input_replays_cleanly() {
    replay("regressions");
}

#[test]
fn every_seed_replays_cleanly_and_every_target_has_seeds() {
    let count = replay("seeds");
    assert!(count > 0, "no seeds found under fuzz/seeds");
    for (name, _) in fuzz_bodies::TARGETS {
        let dir = fuzz_dir().join("seeds").join(name);
        let files = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
        assert!(files > 0, "target {name} has no seeds in {}", dir.display());
    }
}

#[test]
fn every_target_has_a_libfuzzer_entry_point() {
    let manifest = std::fs::read_to_string(fuzz_dir().join("Cargo.toml")).unwrap_or_default();
    for (name, _) in fuzz_bodies::TARGETS {
        let file = fuzz_dir().join("fuzz_targets").join(format!("{name}.rs"));
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(
            text.contains("fuzz_bodies::"),
            "{} does not call a shared body",
            file.display()
        );
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "fuzz/Cargo.toml has no [[bin]] {name}"
        );
    }
}
