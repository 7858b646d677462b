//! The sections of an OpenAPI spec (POP, Unified API, MPI): servers,
//! security, operations, code tables, header parameters, schemas and the
//! other top-level extensions, each change classified.
//!
//! It reads the documents as the generators' spec reader does
//! (`core::spec::read`, into JSON values) and walks them whole, so an `x-`
//! extension the differ has no rule for is still reported (and classified
//! cautiously, see `classify`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::change::{Change, Class};
use super::classify::{self, Context};
use super::walk::{self, Kind, Leaf, code, compact};

/// Every change of `a` → `b`, section by section.
pub fn changes(a: &Value, b: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    servers(a, b, &mut out);
    security(a, b, &mut out);
    operations(a, b, &mut out);
    for (section, table, key) in [
        ("Result codes", "x-resultCodes", "resultCode"),
        ("Action codes", "x-actionCodes", "actionCode"),
        ("Statuses", "x-statuses", "status"),
    ] {
        keyed_table(a, b, section, table, key, &mut out);
    }
    leaves(
        "Request header parameters",
        a.pointer("/components/parameters"),
        b.pointer("/components/parameters"),
        "",
        &Context::default(),
        &mut out,
    );
    schemas(a, b, &mut out);
    other_extensions(a, b, &mut out);
    out
}

fn push(out: &mut Vec<Change>, section: &'static str, class: Class, text: String) {
    out.push(Change {
        class,
        section,
        text,
    });
}

/// Every leaf of `o` → `n`, each classified in `ctx`, its line prefixed.
fn leaves(
    section: &'static str,
    o: Option<&Value>,
    n: Option<&Value>,
    prefix: &str,
    ctx: &Context,
    out: &mut Vec<Change>,
) {
    let null = Value::Null;
    for leaf in walk::diff(o.unwrap_or(&null), n.unwrap_or(&null)) {
        push(
            out,
            section,
            classify::leaf(&leaf, ctx),
            format!("{prefix}{}", leaf.text()),
        );
    }
}

fn servers(a: &Value, b: &Value, out: &mut Vec<Change>) {
    const S: &str = "Servers";
    let list = |v: &Value| -> BTreeMap<String, Value> {
        let servers = v.get("servers").and_then(Value::as_array);
        let servers = servers.map(|s| {
            s.iter()
                .map(|x| (x.get("url").map(compact).unwrap_or_default(), x.clone()))
        });
        servers.map(|s| s.collect()).unwrap_or_default()
    };
    let desc = |s: &Value| s.get("description").map(compact).unwrap_or_default();
    let (old, new) = (list(a), list(b));
    for (url, s) in &old {
        match new.get(url) {
            None => push(
                out,
                S,
                Class::BreakingForIntegrations,
                format!("**removed** {} ({})", code(url), desc(s)),
            ),
            Some(n) => {
                for leaf in walk::diff(s, n) {
                    let text = if leaf.key() == "description" {
                        format!(
                            "changed {}: description {} → {}",
                            code(url),
                            code(&desc(s)),
                            code(&desc(n))
                        )
                    } else {
                        format!("changed {}: {}", code(url), leaf.text())
                    };
                    let ctx = Context {
                        behaviour: true,
                        ..Context::default()
                    };
                    push(out, S, classify::leaf(&leaf, &ctx), text);
                }
            }
        }
    }
    for (url, s) in &new {
        if !old.contains_key(url) {
            push(
                out,
                S,
                Class::Additive,
                format!("**added** {} ({})", code(url), desc(s)),
            );
        }
    }
}

fn security(a: &Value, b: &Value, out: &mut Vec<Change>) {
    const S: &str = "Security";
    let schemes = |v: &Value| -> BTreeMap<String, Value> {
        let m = v
            .pointer("/components/securitySchemes")
            .and_then(Value::as_object);
        m.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    };
    let describe = |s: &Value| {
        let field = |k: &str| s.get(k).map(compact).unwrap_or_default();
        let what = match field("type").as_str() {
            "http" => format!("HTTP {}", field("scheme")),
            "apiKey" => format!("API key in {} `{}`", field("in"), field("name")),
            other => other.to_string(),
        };
        format!("({what}): {}", field("description"))
    };
    let (old, new) = (schemes(a), schemes(b));
    let behaviour = Context {
        behaviour: true,
        ..Context::default()
    };
    for (name, s) in &old {
        match new.get(name) {
            None => push(
                out,
                S,
                Class::BreakingForIntegrations,
                format!("**removed scheme** {} {}", code(name), describe(s)),
            ),
            Some(n) => leaves(
                S,
                Some(s),
                Some(n),
                &format!("scheme {}: ", code(name)),
                &behaviour,
                out,
            ),
        }
    }
    for (name, s) in &new {
        if !old.contains_key(name) {
            push(
                out,
                S,
                Class::Additive,
                format!("**added scheme** {} {}", code(name), describe(s)),
            );
        }
    }
    let requirement = |v: &Value| -> String {
        let alts = v.get("security").and_then(Value::as_array);
        let alt = |alt: &Value| {
            alt.as_object()
                .map(|m| m.keys().cloned().collect::<Vec<_>>().join(" + "))
                .unwrap_or_default()
        };
        alts.map(|alts| alts.iter().map(alt).collect::<Vec<_>>().join(" or "))
            .unwrap_or_default()
    };
    let (ra, rb) = (requirement(a), requirement(b));
    if ra != rb {
        let text = format!("global security requirement: {} → {}", code(&ra), code(&rb));
        push(out, S, Class::BreakingForIntegrations, text);
    }
}

fn operations(a: &Value, b: &Value, out: &mut Vec<Change>) {
    const S: &str = "Operations";
    let ops = |v: &Value| -> BTreeMap<String, Value> {
        let mut out = BTreeMap::new();
        for (path, item) in v
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            for (method, op) in item.as_object().into_iter().flatten() {
                out.insert(format!("{} {path}", method.to_uppercase()), op.clone());
            }
        }
        out
    };
    let (old, new) = (ops(a), ops(b));
    for (key, op) in &old {
        match new.get(key) {
            None => push(
                out,
                S,
                Class::BreakingForCallers,
                format!("**removed** {}", code(key)),
            ),
            Some(n) => {
                for leaf in walk::diff(op, n) {
                    // Callbacks are what the gateway sends: its behaviour.
                    let behaviour = leaf.path.first().is_some_and(|p| p == "callbacks");
                    let ctx = Context {
                        behaviour,
                        ..Context::default()
                    };
                    push(
                        out,
                        S,
                        classify::leaf(&leaf, &ctx),
                        format!("{}: {}", code(key), leaf.text()),
                    );
                }
            }
        }
    }
    for key in new.keys() {
        if !old.contains_key(key) {
            push(out, S, Class::Additive, format!("**added** {}", code(key)));
        }
    }
}

/// A guide table of codes, one row per `key`.
fn keyed_table(
    a: &Value,
    b: &Value,
    section: &'static str,
    table: &str,
    key: &str,
    out: &mut Vec<Change>,
) {
    let rows = |v: &Value| -> BTreeMap<String, Value> {
        let rows = v.get(table).and_then(Value::as_array);
        rows.map(|rows| {
            rows.iter()
                .map(|r| (r.get(key).map(compact).unwrap_or_default(), r.clone()))
                .collect()
        })
        .unwrap_or_default()
    };
    let summary = |r: &Value| -> String {
        let fields = r
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| k.as_str() != key);
        fields
            .map(|(k, v)| format!("{k}: {}", compact(v)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (old, new) = (rows(a), rows(b));
    for (k, r) in &old {
        match new.get(k) {
            // Its open enum loses the variant: code matching it stops compiling.
            None => push(
                out,
                section,
                Class::BreakingForCallers,
                format!("**removed** {} ({})", code(k), summary(r)),
            ),
            Some(n) => leaves(
                section,
                Some(r),
                Some(n),
                &format!("changed {}: ", code(k)),
                &Context::default(),
                out,
            ),
        }
    }
    for (k, r) in &new {
        if !old.contains_key(k) {
            push(
                out,
                section,
                Class::Additive,
                format!("**added** {} ({})", code(k), summary(r)),
            );
        }
    }
}

fn schemas(a: &Value, b: &Value, out: &mut Vec<Change>) {
    const S: &str = "Schemas";
    let get = |v: &Value| -> BTreeMap<String, Value> {
        let m = v.pointer("/components/schemas").and_then(Value::as_object);
        m.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    };
    let (old, new) = (get(a), get(b));
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for name in names {
        match (old.get(name), new.get(name)) {
            (Some(_), None) => push(
                out,
                S,
                Class::BreakingForCallers,
                format!("**removed schema** {}", code(name)),
            ),
            (None, Some(s)) => {
                let fields = s.get("properties").and_then(Value::as_object);
                let fields = fields
                    .map(|p| p.keys().cloned().collect::<Vec<_>>().join(", "))
                    .unwrap_or_default();
                let values = s
                    .get("enum")
                    .map(|e| format!(" enum {}", compact(e)))
                    .unwrap_or_default();
                let with = if fields.is_empty() {
                    String::new()
                } else {
                    format!(" with fields {fields}")
                };
                push(
                    out,
                    S,
                    Class::Additive,
                    format!("**added schema** {}{values}{with}", code(name)),
                );
            }
            (Some(o), Some(n)) if o != n => schema(o, n, &code(name), out),
            _ => {}
        }
    }
}

/// The payment types `n`'s `x-payTypes` has and `o`'s lacks.
fn new_pay_types(o: &Value, n: &Value) -> Vec<String> {
    let list = |v: &Value| -> Vec<String> {
        let l = v.get("x-payTypes").and_then(Value::as_array);
        l.map(|l| l.iter().map(compact).collect())
            .unwrap_or_default()
    };
    let before = list(o);
    list(n)
        .into_iter()
        .filter(|p| !before.contains(p))
        .collect()
}

fn schema(o: &Value, n: &Value, name: &str, out: &mut Vec<Change>) {
    const S: &str = "Schemas";
    let props = |v: &Value| -> BTreeMap<String, Value> {
        let m = v.get("properties").and_then(Value::as_object);
        m.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    };
    let required = |v: &Value| -> BTreeSet<String> {
        let r = v.get("required").and_then(Value::as_array);
        r.map(|a| a.iter().map(compact).collect())
            .unwrap_or_default()
    };
    let (po, pn) = (props(o), props(n));
    let (ro, rn) = (required(o), required(n));
    for (field, schema) in &po {
        match pn.get(field) {
            None => push(
                out,
                S,
                Class::BreakingForCallers,
                format!("{name}.{field}: **field removed**"),
            ),
            Some(ns) => {
                let ctx = Context {
                    new_pay_types: new_pay_types(schema, ns),
                    ..Context::default()
                };
                leaves(
                    S,
                    Some(schema),
                    Some(ns),
                    &format!("{name}.{field}: "),
                    &ctx,
                    out,
                );
            }
        }
    }
    for (field, schema) in &pn {
        if !po.contains_key(field) {
            let text = format!("{name}.{field}: **field added** ({})", short_schema(schema));
            push(out, S, Class::Additive, text);
        }
    }
    for field in ro.difference(&rn) {
        push(
            out,
            S,
            Class::Additive,
            format!("{name}.{field}: no longer required"),
        );
    }
    for field in rn.difference(&ro) {
        push(
            out,
            S,
            Class::BreakingForCallers,
            format!("{name}.{field}: now required"),
        );
    }
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(m) = v.as_object_mut() {
            m.remove("properties");
            m.remove("required");
        }
        v
    };
    for leaf in walk::diff(&strip(o), &strip(n)) {
        // POP keeps its result-code table on the `ResultCode` schema.
        let section = if leaf.path.first().is_some_and(|k| k == "x-resultCodes") {
            "Result codes"
        } else {
            S
        };
        let class = classify::leaf(&leaf, &Context::default());
        let text = code_row(&leaf).unwrap_or_else(|| format!("{name}: {}", leaf.text()));
        push(out, section, class, text);
    }
}

/// A row of POP's `x-resultCodes` written as the Unified table's rows are
/// (`**added** `R999` (…)`, `changed `R000`: phase: …`).
fn code_row(leaf: &Leaf) -> Option<String> {
    let [table, row, rest @ ..] = leaf.path.as_slice() else {
        return None;
    };
    let id = row.strip_prefix("[code=")?.strip_suffix(']')?;
    if table != "x-resultCodes" {
        return None;
    }
    Some(match (&leaf.kind, rest) {
        (Kind::Added(v), []) => format!("**added** {} ({})", code(id), compact(v)),
        (Kind::Removed(v), []) => format!("**removed** {} ({})", code(id), compact(v)),
        (kind, rest) => {
            let inner = Leaf {
                path: rest.to_vec(),
                kind: kind.clone(),
            };
            format!("changed {}: {}", code(id), inner.text())
        }
    })
}

fn short_schema(s: &Value) -> String {
    let keys = [
        "$ref",
        "type",
        "maxLength",
        "pattern",
        "format",
        "enum",
        "x-payTypes",
        "x-payTypeLimits",
    ];
    let parts = keys
        .iter()
        .filter_map(|k| s.get(*k).map(|v| format!("{k} {}", code(&compact(v)))));
    parts.collect::<Vec<_>>().join(", ")
}

/// The top-level `x-` extensions not read above (webhook, redirect, MPI's
/// tables, …): a removed row loses an enum variant; a test table
/// (`x-scenarios`), a webhook or a redirect is gateway behaviour.
fn other_extensions(a: &Value, b: &Value, out: &mut Vec<Change>) {
    const S: &str = "Other top-level extensions";
    let handled = ["x-resultCodes", "x-actionCodes", "x-statuses"];
    let behaviour = [
        "x-scenarios",
        "x-webhook",
        "x-redirect",
        "x-push",
        "x-attemptAuthentication",
    ];
    let pick = |v: &Value| -> BTreeMap<String, Value> {
        let obj = v.as_object().into_iter().flatten();
        let ext = obj.filter(|(k, _)| k.starts_with("x-") && !handled.contains(&k.as_str()));
        ext.map(|(k, x)| (k.clone(), x.clone())).collect()
    };
    let (old, new) = (pick(a), pick(b));
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for key in keys {
        let ctx = Context {
            behaviour: behaviour.contains(&key.as_str()),
            ..Context::default()
        };
        // MPI's code tables (the two parts of `vresult_code`) are its result codes.
        let section = if ["x-threeDSecureCodes", "x-cardCodes"].contains(&key.as_str()) {
            "Result codes"
        } else {
            S
        };
        let (o, n) = (old.get(key), new.get(key));
        let null = Value::Null;
        for mut leaf in walk::diff(o.unwrap_or(&null), n.unwrap_or(&null)) {
            leaf.path.insert(0, key.clone());
            let leaf = whole_extension(leaf, o.is_some(), n.is_some());
            push(out, section, classify::leaf(&leaf, &ctx), leaf.text());
        }
    }
}

/// A whole extension added or removed reads as such, not as `null` → value.
fn whole_extension(leaf: Leaf, had: bool, has: bool) -> Leaf {
    match (leaf.kind, had, has) {
        (Kind::Changed(_, n), false, true) => Leaf {
            path: leaf.path,
            kind: Kind::Added(n),
        },
        (Kind::Changed(o, _), true, false) => Leaf {
            path: leaf.path,
            kind: Kind::Removed(o),
        },
        (kind, ..) => Leaf {
            path: leaf.path,
            kind,
        },
    }
}
