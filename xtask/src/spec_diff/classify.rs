//! The class of one leaf difference, read off the key it sits under. The
//! vocabulary covers both spec dialects (OpenAPI with the project's `x-`
//! extensions, and J-Payment's YAML schema); a key it does not know is
//! treated as breaking for callers when removed or changed, additive when
//! added (the cautious reading: say "check this" rather than "ignore this").

use serde_json::Value;

use super::change::Class;
use super::walk::{Kind, Leaf};

/// Wording: descriptions, labels, citations, examples.
const DOCUMENTATION: &[&str] = &[
    "description",
    "summary",
    "title",
    "doc",
    "label",
    "guide",
    "meaning",
    "cite",
    "source",
    "samples",
    "example",
    "examples",
    "externalDocs",
    "x-enumDescriptions",
    "x-resultCodesNote",
    "x-truncatedByGateway",
];

/// Limits that tighten when they get smaller.
const UPPER_LIMITS: &[&str] = &[
    "maxLength",
    "maximum",
    "maxDigits",
    "maxBytes",
    "maxItems",
    "maxMinutes",
    "x-maxDaysAhead",
    "max",
    "max_bytes",
];

/// Limits that tighten when they get larger.
const LOWER_LIMITS: &[&str] = &["minLength", "minimum", "minItems", "minMinutes", "min"];

/// Lists of accepted values: a removed member refuses what was accepted.
const ACCEPTED_VALUES: &[&str] = &["enum", "x-payTypes", "methods", "count", "values"];

/// Lists whose new members demand more (`x-requiredFor`: newly required).
const DEMANDS: &[&str] = &["x-requiredFor", "required"];

/// Rules: a new or changed one may refuse what was accepted.
const RULES: &[&str] = &[
    "pattern",
    "x-charset",
    "format",
    "x-format",
    "type",
    "$ref",
    "x-yen",
    "x-onlyWith",
    "x-datetimeWindow",
    "x-pushUrl",
    "x-httpsOnlyInLive",
    "x-rules",
    "rules",
    "uniqueItems",
    "x-uniqueBy",
    "len",
    "digits",
    "alnum",
    "text",
    "email",
    "constant",
    "x-openEnum",
    "x-enumVarnames",
    "x-commandName",
    "x-direction",
    "variant",
    "rust",
    "endpoint",
    "reply",
    "in",
    "name",
];

/// What the gateway does: codes it answers, how it is reached, what its
/// outcomes mean.
const GATEWAY_BEHAVIOUR: &[&str] = &[
    "x-resultCode",
    "x-uniqueResultCode",
    "status",
    "actionCode",
    "httpStatus",
    "phase",
    "outcome",
    "pays",
    "risk",
    "base_url",
    "accepted_answer",
    "answer_media_type",
    "issuer_code_prefix",
    "x-environment",
    "x-deprecated",
    "url",
    "scheme",
    "signatureHeader",
    "contentType",
    "signature",
    "headers",
    "x-scenarios",
];

/// Where a leaf sits, beyond its own path.
#[derive(Debug, Default, Clone)]
pub struct Context {
    /// Payment types the property newly applies to (`x-payTypes` members
    /// added): limits and conditions added for them restrict nothing that
    /// was accepted before.
    pub new_pay_types: Vec<String>,
    /// Everything but wording here is gateway behaviour (test tables,
    /// webhooks, security schemes).
    pub behaviour: bool,
}

fn is(list: &[&str], key: &str) -> bool {
    list.contains(&key)
}

/// Whether a value only concerns the payment types the property newly
/// applies to (an `x-payTypeLimits` entry keyed by them, an `x-onlyWith`
/// with `payTypes` among them).
fn only_new_pay_types(leaf: &Leaf, value: &Value, ctx: &Context) -> bool {
    if ctx.new_pay_types.is_empty() {
        return false;
    }
    let new = |pt: &str| ctx.new_pay_types.iter().any(|n| n == pt);
    match leaf.path.as_slice() {
        [.., key] if key == "x-payTypeLimits" => value
            .as_object()
            .is_some_and(|m| !m.is_empty() && m.keys().all(|k| new(k))),
        [.., key, pt] if key == "x-payTypeLimits" => new(pt),
        [.., key] if key == "x-onlyWith" => value
            .get("payTypes")
            .and_then(Value::as_array)
            .is_some_and(|p| !p.is_empty() && p.iter().all(|v| v.as_str().is_some_and(new))),
        _ => false,
    }
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

/// The class of `leaf`.
pub fn leaf(leaf: &Leaf, ctx: &Context) -> Class {
    let key = leaf.key();
    if is(DOCUMENTATION, key) {
        return Class::Documentation;
    }
    if ctx.behaviour || is(GATEWAY_BEHAVIOUR, key) {
        return Class::BreakingForIntegrations;
    }
    let row = leaf.path.last().is_some_and(|s| s.starts_with('['));
    match &leaf.kind {
        Kind::Added(v) if only_new_pay_types(leaf, v, ctx) => Class::Additive,
        // A row of a list of rules (`x-rules`, J-Payment's `rules`): a new
        // rule restricts, a removed one loosens.
        Kind::Added(_) if row && is(RULES, key) => Class::BreakingForCallers,
        Kind::Removed(_) if row && is(RULES, key) => Class::Additive,
        Kind::Added(v) if row => {
            // A new row: a new required J-Payment field demands more.
            if v.get("required") == Some(&Value::Bool(true)) {
                Class::BreakingForCallers
            } else {
                Class::Additive
            }
        }
        Kind::Removed(_) if row => Class::BreakingForCallers,
        Kind::Changed(o, n) if is(UPPER_LIMITS, key) => match (number(o), number(n)) {
            (Some(o), Some(n)) if n >= o => Class::Additive,
            _ => Class::BreakingForCallers,
        },
        Kind::Changed(o, n) if is(LOWER_LIMITS, key) => match (number(o), number(n)) {
            (Some(o), Some(n)) if n <= o => Class::Additive,
            _ => Class::BreakingForCallers,
        },
        Kind::Changed(_, n) if key == "required" || key == "optional" => {
            // `required: false → true` demands more; `optional: false → true`
            // makes a received column possibly empty (its type changes).
            if n == &Value::Bool(true) {
                Class::BreakingForCallers
            } else {
                Class::Additive
            }
        }
        Kind::Members { added, removed, .. } if is(ACCEPTED_VALUES, key) => {
            if removed.is_empty() && !added.is_empty() {
                Class::Additive
            } else {
                Class::BreakingForCallers
            }
        }
        Kind::Members { added, .. } if is(DEMANDS, key) => {
            if added.is_empty() {
                Class::Additive
            } else {
                Class::BreakingForCallers
            }
        }
        Kind::Members { .. } => Class::BreakingForCallers,
        // A limit, list, rule or requirement that appears restricts; one
        // that disappears loosens.
        Kind::Added(_)
            if is(UPPER_LIMITS, key)
                || is(LOWER_LIMITS, key)
                || is(ACCEPTED_VALUES, key)
                || is(DEMANDS, key)
                || is(RULES, key)
                || key == "x-payTypeLimits" =>
        {
            Class::BreakingForCallers
        }
        Kind::Added(_) => Class::Additive,
        Kind::Removed(_)
            if is(UPPER_LIMITS, key)
                || is(LOWER_LIMITS, key)
                || is(ACCEPTED_VALUES, key)
                || is(DEMANDS, key)
                || (is(RULES, key)
                    && !matches!(
                        key,
                        "type" | "$ref" | "variant" | "rust" | "name" | "endpoint" | "reply"
                    ))
                || key == "x-payTypeLimits" =>
        {
            Class::Additive
        }
        Kind::Removed(_) | Kind::Changed(..) => Class::BreakingForCallers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn class(path: &[&str], kind: Kind) -> Class {
        let leaf = Leaf {
            path: path.iter().map(|s| s.to_string()).collect(),
            kind,
        };
        super::leaf(&leaf, &Context::default())
    }

    #[test]
    fn limits_tighten_in_their_direction() {
        let changed = |a: i64, b: i64| Kind::Changed(json!(a), json!(b));
        assert_eq!(
            class(&["maxLength"], changed(12, 7)),
            Class::BreakingForCallers
        );
        assert_eq!(class(&["maxLength"], changed(7, 12)), Class::Additive);
        assert_eq!(
            class(&["x-payTypeLimits", "au", "maxDigits"], changed(12, 7)),
            Class::BreakingForCallers
        );
        assert_eq!(
            class(&["minimum"], changed(1, 2)),
            Class::BreakingForCallers
        );
        assert_eq!(class(&["minimum"], changed(2, 1)), Class::Additive);
        assert_eq!(
            class(&["maxLength"], Kind::Added(json!(3))),
            Class::BreakingForCallers
        );
        assert_eq!(
            class(&["maxLength"], Kind::Removed(json!(3))),
            Class::Additive
        );
    }

    #[test]
    fn lists_of_values_break_when_they_lose_members() {
        let members = |added: &[&str], removed: &[&str]| Kind::Members {
            added: added.iter().map(|s| s.to_string()).collect(),
            removed: removed.iter().map(|s| s.to_string()).collect(),
            old: json!([]),
            new: json!([]),
        };
        assert_eq!(class(&["enum"], members(&["c"], &[])), Class::Additive);
        assert_eq!(
            class(&["enum"], members(&["c"], &["a"])),
            Class::BreakingForCallers
        );
        assert_eq!(
            class(&["x-requiredFor"], members(&["au"], &[])),
            Class::BreakingForCallers
        );
        assert_eq!(
            class(&["x-requiredFor"], members(&[], &["au"])),
            Class::Additive
        );
    }

    #[test]
    fn gateway_behaviour_and_wording() {
        let changed = Kind::Changed(json!("a"), json!("b"));
        assert_eq!(
            class(&["[resultCode=X]", "actionCode"], changed.clone()),
            Class::BreakingForIntegrations
        );
        assert_eq!(
            class(&["[resultCode=X]", "description"], changed.clone()),
            Class::Documentation
        );
        assert_eq!(
            class(&["base_url"], changed.clone()),
            Class::BreakingForIntegrations
        );
        assert_eq!(
            class(&["fields", "[name=aid]", "name"], changed),
            Class::BreakingForCallers
        );
        assert_eq!(
            class(&["[code=ER1]"], Kind::Removed(json!({}))),
            Class::BreakingForCallers
        );
        assert_eq!(
            class(&["[code=ER1]"], Kind::Added(json!({}))),
            Class::Additive
        );
        let rule = |kind| class(&["x-rules", "[0]"], kind);
        assert_eq!(rule(Kind::Added(json!({}))), Class::BreakingForCallers);
        assert_eq!(rule(Kind::Removed(json!({}))), Class::Additive);
        assert_eq!(
            class(&["[name=x]"], Kind::Added(json!({"required": true}))),
            Class::BreakingForCallers
        );
    }
}
