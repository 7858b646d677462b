//! The sections of J-Payment's spec (its own YAML schema,
//! `specs/jpayment/README.md`): the gateway's address and answers, enums,
//! result codes, answer shapes (positional columns), fields and operations.

use serde_json::Value;

use super::change::Change;
use super::classify::{self, Context};
use super::walk;

/// The sections and the top-level keys each covers; a key not listed goes
/// to "Other".
const SECTIONS: &[(&str, &[&str])] = &[
    (
        "Gateway",
        &[
            "gateway",
            "source",
            "base_url",
            "accepted_answer",
            "answer_media_type",
            "issuer_code_prefix",
            "other_data",
        ],
    ),
    ("Enums", &["enums"]),
    ("Result codes", &["result_codes"]),
    ("Answer shapes", &["shapes"]),
    ("Fields", &["fields"]),
    ("Operations", &["operations"]),
];

/// Every change of `a` → `b`.
pub fn changes(a: &Value, b: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    let null = Value::Null;
    let mut keys: Vec<&String> = a
        .as_object()
        .into_iter()
        .chain(b.as_object())
        .flat_map(|m| m.keys())
        .collect();
    keys.sort();
    keys.dedup();
    let section_of = |key: &str| {
        SECTIONS
            .iter()
            .find(|(_, keys)| keys.contains(&key))
            .map(|(s, _)| *s)
            .unwrap_or("Other")
    };
    for (section, _) in SECTIONS.iter().copied().chain([("Other", &[][..])]) {
        for key in keys.iter().filter(|k| section_of(k) == section) {
            let (o, n) = (
                a.get(key.as_str()).unwrap_or(&null),
                b.get(key.as_str()).unwrap_or(&null),
            );
            for mut leaf in walk::diff(o, n) {
                leaf.path.insert(0, key.to_string());
                let class = classify::leaf(&leaf, &Context::default());
                out.push(Change {
                    class,
                    section,
                    text: leaf.text(),
                });
            }
        }
    }
    out
}
