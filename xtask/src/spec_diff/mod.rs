//! `cargo xtask spec-diff OLD_DIR NEW_DIR [--format json]`: what changed
//! between two versions of a gateway's spec folder, every change classified
//! (breaking for callers, breaking for integrations, additive, wording),
//! breaking changes first, and what a merchant must do.
//!
//! Any gateway: a folder with `openapi.yaml` (POP, Unified API, MPI) or
//! `jpayment.yaml` (J-Payment's own schema), plus its `testing.yaml` when it
//! has one. The documents are read by the generators' reader
//! (`core::spec::read`) and compared whole, so every `x-` extension is
//! reported without the differ knowing it; `classify` knows the vocabulary
//! of both dialects and says which class a change is in.

mod change;
mod classify;
mod jpayment;
mod openapi;
mod render;
mod testing;
mod walk;

#[cfg(test)]
mod report_tests;
#[cfg(test)]
mod synthetic_tests;

use std::path::Path;

use anyhow::{Context as _, bail};
use serde_json::Value;

use crate::core::spec;
pub use change::{Change, Class};

/// How the report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// For people (and `docs/`).
    Markdown,
    /// For tools.
    Json,
}

/// The spec dialect of a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `openapi.yaml`: POP, Unified API, MPI.
    OpenApi,
    /// `jpayment.yaml`.
    JPayment,
}

impl Dialect {
    /// The spec file of the dialect.
    pub fn file(self) -> &'static str {
        match self {
            Dialect::OpenApi => "openapi.yaml",
            Dialect::JPayment => "jpayment.yaml",
        }
    }

    fn of(dir: &Path) -> anyhow::Result<Self> {
        for dialect in [Dialect::OpenApi, Dialect::JPayment] {
            if dir.join(dialect.file()).is_file() {
                return Ok(dialect);
            }
        }
        bail!(
            "{} has neither openapi.yaml nor jpayment.yaml: give a spec folder (specs/<gateway>/<version>, or specs/jpayment, specs/mpi)",
            dir.display()
        )
    }
}

/// One side of the comparison.
#[derive(Debug, Clone)]
pub struct Side {
    /// The folder as given on the command line.
    pub label: String,
    /// The guide version the spec states (`info.version`; J-Payment: its `source`).
    pub version: String,
    /// The spec, as read.
    pub spec: Value,
    /// Its `testing.yaml`, if any.
    pub testing: Option<Value>,
}

/// The classified changes between two spec folders.
#[derive(Debug, Clone)]
pub struct Report {
    pub dialect: Dialect,
    pub old: Side,
    pub new: Side,
    /// Every change, in section order.
    pub changes: Vec<Change>,
    /// What could not be compared, and why.
    pub notes: Vec<String>,
}

fn side(dir: &Path, label: &str, dialect: Dialect) -> anyhow::Result<Side> {
    let spec: Value = spec::read(dir, dialect.file())?;
    let testing = if dir.join("testing.yaml").is_file() {
        Some(spec::read(dir, "testing.yaml")?)
    } else {
        None
    };
    let version = match dialect {
        Dialect::OpenApi => spec.pointer("/info/version"),
        Dialect::JPayment => spec.get("source"),
    };
    let version = version.map(walk::compact).unwrap_or_else(|| "?".into());
    Ok(Side {
        label: label.to_string(),
        version,
        spec,
        testing,
    })
}

/// The report for the spec folders `old` and `new`; `old_label`/`new_label`
/// are how it names them (kept as given, so output is reproducible).
pub fn diff_dirs(
    old: &Path,
    new: &Path,
    old_label: &str,
    new_label: &str,
) -> anyhow::Result<Report> {
    let dialect = Dialect::of(old)?;
    let other = Dialect::of(new)?;
    if dialect != other {
        bail!(
            "{old_label} holds {} but {new_label} holds {}",
            dialect.file(),
            other.file()
        );
    }
    let old = side(old, old_label, dialect).with_context(|| format!("reading {old_label}"))?;
    let new = side(new, new_label, dialect).with_context(|| format!("reading {new_label}"))?;
    Ok(diff(dialect, old, new))
}

/// The report for two sides already read.
pub fn diff(dialect: Dialect, old: Side, new: Side) -> Report {
    let mut changes = match dialect {
        Dialect::OpenApi => openapi::changes(&old.spec, &new.spec),
        Dialect::JPayment => jpayment::changes(&old.spec, &new.spec),
    };
    let (ta, tb) = (old.testing.as_ref(), new.testing.as_ref());
    changes.extend(testing::changes(ta, tb));
    let notes = testing::note(ta, tb, &old.label, &new.label)
        .into_iter()
        .collect();
    Report {
        dialect,
        old,
        new,
        changes,
        notes,
    }
}

impl Report {
    /// The report in `format`.
    pub fn render(&self, format: Format) -> anyhow::Result<String> {
        match format {
            Format::Markdown => Ok(render::markdown(self)),
            Format::Json => render::json(self),
        }
    }

    /// The changes of one class.
    pub fn of(&self, class: Class) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.class == class)
    }
}
