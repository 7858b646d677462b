//! A guide version as a spec folder names it (`1.1.3`, `1.1.1-rc`), and the
//! order that decides which one is the latest.
//!
//! The order is semver's (semver.org §11), written out here because it is
//! twenty lines: the dot-separated numbers compare numerically (a missing
//! number counts as 0, so `1.2` = `1.2.0`); a version with a pre-release
//! (`-rc`) comes before the same numbers without one (`1.1.1-rc` <
//! `1.1.1` < `1.1.3`); two pre-releases compare identifier by identifier,
//! numbers numerically and below words, words in ASCII order, a shorter list
//! first when one is a prefix of the other (`rc` < `rc.1` < `rc.2` < `rc2`).

use std::cmp::Ordering;

use anyhow::{bail, ensure};

/// A version folder's name, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// The folder name as written (`1.1.1-rc`).
    name: String,
    numbers: Vec<u64>,
    pre: Vec<String>,
}

impl Version {
    /// Parses a folder name: `MAJOR.MINOR.PATCH` (one or more dot-separated
    /// numbers), optionally `-` and a pre-release of dot-separated ASCII
    /// letters, digits and hyphens.
    pub fn parse(name: &str) -> anyhow::Result<Self> {
        let expected =
            "a version folder is named MAJOR.MINOR.PATCH[-PRERELEASE], e.g. `1.1.4` or `1.1.1-rc`";
        let (numbers, pre) = match name.split_once('-') {
            Some((numbers, pre)) => (numbers, Some(pre)),
            None => (name, None),
        };
        let numbers = numbers
            .split('.')
            .map(|n| match n.parse::<u64>() {
                Ok(v) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => Ok(v),
                _ => bail!("`{name}`: `{n}` is not a number; {expected}"),
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let pre = match pre {
            None => Vec::new(),
            Some(pre) => pre
                .split('.')
                .map(|id| {
                    let ok = !id.is_empty()
                        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
                    ensure!(
                        ok,
                        "`{name}`: pre-release `{id}` is not [0-9A-Za-z-]+; {expected}"
                    );
                    Ok(id.to_string())
                })
                .collect::<anyhow::Result<Vec<_>>>()?,
        };
        Ok(Self {
            name: name.to_string(),
            numbers,
            pre,
        })
    }

    /// The folder name, as written.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The Rust module (and cargo feature) of this version: `v` and the name
    /// with `.` and `-` as `_`, lower-case (`1.1.1-rc` → `v1_1_1_rc`).
    pub fn module(&self) -> String {
        let name = self.name.replace(['.', '-'], "_").to_ascii_lowercase();
        format!("v{name}")
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.numbers.len().max(other.numbers.len());
        let number = |v: &Self, i: usize| v.numbers.get(i).copied().unwrap_or(0);
        (0..len)
            .map(|i| number(self, i).cmp(&number(other, i)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => pre_release(&self.pre, &other.pre),
            })
            // Equal by semver but spelt differently (`1.2` and `1.2.0`): the
            // name decides, so the order is total and deterministic.
            .then_with(|| self.name.cmp(&other.name))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn pre_release(a: &[String], b: &[String]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let order = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            (Err(_), Err(_)) => x.cmp(y),
        };
        if order.is_ne() {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(name: &str) -> Version {
        Version::parse(name).unwrap()
    }

    #[test]
    fn release_candidates_come_before_their_release() {
        let mut list: Vec<Version> = [
            "1.1.3",
            "1.1.1-rc",
            "1.10.0",
            "1.1.1",
            "1.2.0-rc.1",
            "1.2.0-rc",
            "1.2.0-rc.2",
            "1.2.0-beta",
            "1.2",
        ]
        .into_iter()
        .map(v)
        .collect();
        list.sort();
        let names: Vec<&str> = list.iter().map(Version::name).collect();
        assert_eq!(
            names,
            [
                "1.1.1-rc",
                "1.1.1",
                "1.1.3",
                "1.2.0-beta",
                "1.2.0-rc",
                "1.2.0-rc.1",
                "1.2.0-rc.2",
                "1.2",
                "1.10.0"
            ]
        );
    }

    #[test]
    fn modules_are_rust_identifiers() {
        assert_eq!(v("1.1.1-rc").module(), "v1_1_1_rc");
        assert_eq!(v("1.1.3").module(), "v1_1_3");
        assert_eq!(v("2.0.0-RC.1").module(), "v2_0_0_rc_1");
    }

    #[test]
    fn other_names_are_refused_with_the_expected_shape() {
        for bad in ["latest", "1.x", "1..2", "v1.2.3", "1.2.3-", "1.2.3-r c"] {
            let err = Version::parse(bad).unwrap_err().to_string();
            assert!(err.contains("MAJOR.MINOR.PATCH"), "{bad}: {err}");
        }
    }
}
