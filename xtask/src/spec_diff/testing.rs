//! A version folder's `testing.yaml` (the guide's test tables: amounts,
//! cards, scenarios). Every change but wording is a change of what the
//! gateway's test environment does: breaking for integrations, whose tests
//! rely on it.

use serde_json::Value;

use super::change::Change;
use super::classify::{self, Context};
use super::walk;

/// The section's name.
pub const SECTION: &str = "Test tables (testing.yaml)";

/// Every change of `a` → `b`; none when a folder has no `testing.yaml`
/// (`note` says so: tables written for one version only cannot be compared).
pub fn changes(a: Option<&Value>, b: Option<&Value>) -> Vec<Change> {
    let (Some(a), Some(b)) = (a, b) else {
        return Vec::new();
    };
    let ctx = Context {
        behaviour: true,
        ..Context::default()
    };
    let leaves = walk::diff(a, b);
    let change = |leaf: walk::Leaf| Change {
        class: classify::leaf(&leaf, &ctx),
        section: SECTION,
        text: leaf.text(),
    };
    leaves.into_iter().map(change).collect()
}

/// What the report says when only one folder has test tables.
pub fn note(a: Option<&Value>, b: Option<&Value>, old: &str, new: &str) -> Option<String> {
    match (a, b) {
        (None, Some(_)) => Some(format!(
            "only {new} has `testing.yaml`: the project transcribed no test tables for {old}, so they are not compared."
        )),
        (Some(_), None) => Some(format!(
            "only {old} has `testing.yaml`: the project transcribed no test tables for {new}, so they are not compared."
        )),
        _ => None,
    }
}
