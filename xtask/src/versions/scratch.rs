//! A scratch copy of the workspace's inputs for tests: a temporary folder
//! holding `specs/` and the `Cargo.toml` files codegen reads, removed on drop.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A temporary workspace root.
pub struct Scratch(PathBuf);

impl Scratch {
    /// An empty folder of its own (process id, `name`, a counter).
    pub fn new(name: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("xtask-{}-{name}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    /// A copy of `from`'s `specs/` and crate manifests.
    pub fn copy_of(from: &Path, name: &str) -> Self {
        let scratch = Self::new(name);
        copy_dir(&from.join("specs"), &scratch.0.join("specs"));
        for entry in std::fs::read_dir(from.join("crates")).unwrap() {
            let krate = entry.unwrap().path();
            let manifest = krate.join("Cargo.toml");
            if manifest.exists() {
                let to = scratch.0.join("crates").join(krate.file_name().unwrap());
                std::fs::create_dir_all(&to).unwrap();
                std::fs::copy(&manifest, to.join("Cargo.toml")).unwrap();
            }
        }
        scratch
    }

    /// Its root.
    pub fn root(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    crate::versions::new_version::copy_dir(from, to).unwrap();
}
