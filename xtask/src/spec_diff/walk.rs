//! Leaf-level differences of two JSON values (two specs, or two parts of
//! them), each with its path, so it can be both printed and classified.
//!
//! Lists of objects are compared row by row when the rows have a key (a
//! code, a name, a wire value), and by position otherwise.

use std::collections::BTreeSet;

use serde_json::Value;

/// A value as a report shows it.
pub fn compact(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Inline code, safe for one Markdown line.
pub fn code(v: &str) -> String {
    format!("`{}`", v.replace('`', "'").replace('\n', " "))
}

/// What happened at one path.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Added(Value),
    Removed(Value),
    Changed(Value, Value),
    /// A list of plain values gained and lost members (or was reordered,
    /// when both are empty).
    Members {
        added: Vec<String>,
        removed: Vec<String>,
        old: Value,
        new: Value,
    },
}

/// One difference.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf {
    /// Object keys, and `[key=value]` or `[index]` for rows of lists.
    pub path: Vec<String>,
    pub kind: Kind,
}

impl Leaf {
    /// The last object key of the path (the property a rule is written
    /// under: `maxLength`, `enum`, …), skipping row selectors.
    pub fn key(&self) -> &str {
        self.path
            .iter()
            .rev()
            .find(|s| !s.starts_with('['))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// The path as the report writes it (`x-payTypeLimits.au.maxDigits`).
    pub fn path_text(&self) -> String {
        let mut out = String::new();
        for seg in &self.path {
            if !out.is_empty() && !seg.starts_with('[') {
                out.push('.');
            }
            out.push_str(seg);
        }
        out
    }

    /// The line of the report.
    pub fn text(&self) -> String {
        let path = self.path_text();
        let at = if path.is_empty() { "(value)" } else { &path };
        match &self.kind {
            Kind::Added(v) => format!("{at} added: {}", code(&compact(v))),
            Kind::Removed(v) => format!("{at} removed (was {})", code(&compact(v))),
            Kind::Changed(o, n) => format!("{at}: {} → {}", code(&compact(o)), code(&compact(n))),
            Kind::Members {
                added,
                removed,
                old,
                new,
            } => {
                let list = |v: &[String]| v.iter().map(|s| code(s)).collect::<Vec<_>>().join(", ");
                let mut parts = Vec::new();
                if !added.is_empty() {
                    parts.push(format!("added {}", list(added)));
                }
                if !removed.is_empty() {
                    parts.push(format!("removed {}", list(removed)));
                }
                if parts.is_empty() {
                    parts.push(format!(
                        "reordered {} → {}",
                        code(&compact(old)),
                        code(&compact(new))
                    ));
                }
                format!("{at}: {}", parts.join("; "))
            }
        }
    }
}

/// Every leaf difference of `o` → `n`.
pub fn diff(o: &Value, n: &Value) -> Vec<Leaf> {
    let mut out = Vec::new();
    walk(&mut Vec::new(), o, n, &mut out);
    out
}

/// The keys a row of a list is known by, in order of preference.
const ROW_KEYS: &[&str] = &[
    "resultCode",
    "actionCode",
    "status",
    "code",
    "name",
    "wire",
    "value",
    "variant",
    "no",
    "url",
];

/// The key every row of both lists has, with distinct values in each.
fn row_key(a: &[Value], b: &[Value]) -> Option<&'static str> {
    ROW_KEYS.iter().copied().find(|key| {
        [a, b].iter().all(|rows| {
            let mut seen = BTreeSet::new();
            rows.iter().all(|r| {
                r.get(key)
                    .filter(|v| v.is_string() || v.is_number())
                    .is_some_and(|v| seen.insert(compact(v)))
            })
        })
    })
}

fn walk(path: &mut Vec<String>, o: &Value, n: &Value, out: &mut Vec<Leaf>) {
    if o == n {
        return;
    }
    let leaf = |path: &Vec<String>, kind| Leaf {
        path: path.clone(),
        kind,
    };
    match (o, n) {
        (Value::Object(mo), Value::Object(mn)) => {
            let keys: BTreeSet<&String> = mo.keys().chain(mn.keys()).collect();
            for k in keys {
                path.push(k.clone());
                match (mo.get(k), mn.get(k)) {
                    (Some(a), Some(b)) => walk(path, a, b, out),
                    (Some(a), None) => out.push(leaf(path, Kind::Removed(a.clone()))),
                    (None, Some(b)) => out.push(leaf(path, Kind::Added(b.clone()))),
                    (None, None) => {}
                }
                path.pop();
            }
        }
        (Value::Array(ao), Value::Array(an))
            if ao.iter().chain(an).all(|v| !v.is_object() && !v.is_array()) =>
        {
            let so: Vec<String> = ao.iter().map(compact).collect();
            let sn: Vec<String> = an.iter().map(compact).collect();
            out.push(leaf(
                path,
                Kind::Members {
                    added: sn.iter().filter(|x| !so.contains(x)).cloned().collect(),
                    removed: so.iter().filter(|x| !sn.contains(x)).cloned().collect(),
                    old: o.clone(),
                    new: n.clone(),
                },
            ));
        }
        (Value::Array(ao), Value::Array(an)) if ao.iter().chain(an).all(Value::is_object) => {
            rows(path, ao, an, out);
        }
        _ => out.push(leaf(path, Kind::Changed(o.clone(), n.clone()))),
    }
}

/// Lists of objects: row by row, by key when they have one.
fn rows(path: &mut Vec<String>, ao: &[Value], an: &[Value], out: &mut Vec<Leaf>) {
    let Some(key) = row_key(ao, an) else {
        for i in 0..ao.len().max(an.len()) {
            path.push(format!("[{i}]"));
            match (ao.get(i), an.get(i)) {
                (Some(a), Some(b)) => walk(path, a, b, out),
                (Some(a), None) => out.push(Leaf {
                    path: path.clone(),
                    kind: Kind::Removed(a.clone()),
                }),
                (None, Some(b)) => out.push(Leaf {
                    path: path.clone(),
                    kind: Kind::Added(b.clone()),
                }),
                (None, None) => {}
            }
            path.pop();
        }
        return;
    };
    let id = |r: &Value| r.get(key).map(compact).unwrap_or_default();
    let find = |rows: &[Value], k: &str| rows.iter().find(|r| id(r) == k).cloned();
    for row in ao {
        path.push(format!("[{key}={}]", id(row)));
        match find(an, &id(row)) {
            Some(new) => walk(path, row, &new, out),
            None => out.push(Leaf {
                path: path.clone(),
                kind: Kind::Removed(row.clone()),
            }),
        }
        path.pop();
    }
    for row in an {
        if find(ao, &id(row)).is_none() {
            path.push(format!("[{key}={}]", id(row)));
            out.push(Leaf {
                path: path.clone(),
                kind: Kind::Added(row.clone()),
            });
            path.pop();
        }
    }
    let order = |rows: &[Value]| rows.iter().map(id).collect::<Vec<_>>();
    let (before, after) = (order(ao), order(an));
    let kept = |list: &[String], other: &[String]| {
        list.iter()
            .filter(|k| other.contains(k))
            .cloned()
            .collect::<Vec<_>>()
    };
    if kept(&before, &after) != kept(&after, &before) {
        path.push(format!("[{key}]"));
        out.push(Leaf {
            path: path.clone(),
            kind: Kind::Members {
                added: Vec::new(),
                removed: Vec::new(),
                old: Value::from(before),
                new: Value::from(after),
            },
        });
        path.pop();
    }
}
