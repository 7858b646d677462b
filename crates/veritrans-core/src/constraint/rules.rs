//! Every constraint of a table, checked over a JSON body of the right shape.

use serde_json::{Map, Value};
use time::Date;

use super::{Broken, Check, CrossRule, Field, Kind, Object, Text, index, join};

type Body = Map<String, Value>;

/// Every broken constraint of `body` (a JSON object of the shape `object`
/// describes, e.g. a typed request serialised), in table order: each
/// property's own rules (nested objects and lists in place), then the
/// object's cross-field rules. `today` enables the `max_days_ahead` rules.
///
/// A value of another JSON type than its table row is skipped here: the
/// shape is [`check_shape`](super::check_shape)'s to report.
///
/// ```
/// use veritrans_core::constraint::{Check, Field, Object, check};
///
/// const FLAG: &Object<&str> = &Object {
///     name: "Request",
///     fields: &[Field { name: "dummy", required: false, code: Some("RC26"), check: Check::Boolean }],
///     rules: &[],
/// };
/// let fine = serde_json::json!({"dummy": true});
/// assert!(check(FLAG, fine.as_object().unwrap(), None).is_empty());
/// // A wrong JSON type is not reported here: that is `check_shape`'s.
/// let typed_wrong = serde_json::json!({"dummy": "yes"});
/// assert!(check(FLAG, typed_wrong.as_object().unwrap(), None).is_empty());
/// ```
pub fn check<C: Clone>(object: &Object<C>, body: &Body, today: Option<Date>) -> Vec<Broken<C>> {
    let mut out = Vec::new();
    Walk {
        today,
        out: &mut out,
    }
    .object(object, body, "");
    out
}

struct Walk<'a, C> {
    today: Option<Date>,
    out: &'a mut Vec<Broken<C>>,
}

impl<C: Clone> Walk<'_, C> {
    fn push(&mut self, path: String, kind: Kind, code: &C) {
        let code = code.clone();
        self.out.push(Broken { path, kind, code });
    }

    fn object(&mut self, object: &Object<C>, body: &Body, path: &str) {
        for field in object.fields {
            if let Some(value) = body.get(field.name).filter(|v| !v.is_null()) {
                self.field(field, value, path);
            }
        }
        for rule in object.rules {
            self.cross(rule, body, path);
        }
    }

    /// The rules of one present `field` of the object at `parent`. Its path is written
    /// only for a broken rule or a nested object or list: joining it for every present
    /// field cost an allocation each (callgrind of the sandbox's POP payment-key request).
    fn field(&mut self, field: &Field<C>, value: &Value, parent: &str) {
        let path = || join(parent, field.name);
        let code = field.code.as_ref();
        match (&field.check, value, code) {
            (Check::Text(text), Value::String(s), Some(code)) => self.text(text, s, path, code),
            (Check::Integer { min, max }, Value::Number(n), Some(code)) => {
                let Some(n) = n.as_i64() else { return };
                if let Some(min) = min.filter(|m| n < *m) {
                    self.push(path(), Kind::Minimum(min), code);
                } else if let Some(max) = max.filter(|m| n > *m) {
                    self.push(path(), Kind::Maximum(max), code);
                }
            }
            (Check::Known(known), Value::String(s), Some(code)) if !known.contains(&s.as_str()) => {
                self.push(path(), Kind::UnknownValue, code);
            }
            (Check::Object(inner), Value::Object(o), _) => self.object(inner, o, &path()),
            (Check::KnownList { known, unique }, Value::Array(list), Some(code)) => {
                let path = path();
                for (i, x) in list.iter().enumerate() {
                    if x.as_str().is_some_and(|s| !known.contains(&s)) {
                        self.push(index(&path, i), Kind::UnknownValue, code);
                    }
                }
                if let Some(unique) = unique {
                    self.unique(list.iter().map(Value::as_str), None, &path, unique);
                }
            }
            (Check::ObjectList { item, unique_by }, Value::Array(list), _) => {
                let path = path();
                for (i, x) in list.iter().enumerate() {
                    if let Value::Object(o) = x {
                        self.object(item, o, &index(&path, i));
                    }
                }
                if let Some((by, unique)) = unique_by {
                    let keys = list.iter().map(|x| x.get(*by).and_then(Value::as_str));
                    self.unique(keys, Some(*by), &path, unique);
                }
            }
            // A boolean has no rule; another JSON type is the shape's to report.
            _ => {}
        }
    }

    fn text(&mut self, text: &Text, value: &str, path: impl Fn() -> String, code: &C) {
        let len = value.chars().count();
        if len < text.min_len {
            self.push(path(), Kind::MinLength(text.min_len), code);
        }
        if let Some(max) = text.max_len.filter(|max| len > *max) {
            self.push(path(), Kind::MaxLength(max), code);
        }
        if let Some(charset) = text.charset.filter(|c| !value.chars().all(|x| c.allows(x))) {
            self.push(path(), Kind::Charset(charset), code);
        }
        let Some(format) = text.format else { return };
        if !format.accepts(value) {
            self.push(path(), Kind::Format(format), code);
        } else if let (Some(days), Some(today), Some(date)) = (
            text.max_days_ahead,
            self.today,
            super::parse_yyyymmdd(value),
        ) {
            if date < today {
                self.push(path(), Kind::Past, code);
            } else if (date - today).whole_days() > i64::from(days) {
                self.push(path(), Kind::MaxDaysAhead(days), code);
            }
        }
    }

    /// Reports the second and later occurrences of a key (items without
    /// one are not compared).
    fn unique<'v>(
        &mut self,
        keys: impl Iterator<Item = Option<&'v str>>,
        by: Option<&'static str>,
        path: &str,
        code: &C,
    ) {
        let mut seen: Vec<&str> = Vec::new();
        for (i, key) in keys.enumerate() {
            let Some(key) = key else { continue };
            if !seen.contains(&key) {
                seen.push(key);
                continue;
            }
            let at = match by {
                Some(by) => join(&index(path, i), by),
                None => index(path, i),
            };
            self.push(at, Kind::Duplicate { by }, code);
        }
    }

    fn cross(&mut self, rule: &CrossRule<C>, body: &Body, path: &str) {
        match rule {
            CrossRule::Exclusive {
                first,
                second,
                code,
            } => {
                if present(body, first) && present(body, second) {
                    self.push(join(path, second), Kind::Exclusive { with: first }, code);
                }
            }
            CrossRule::Requires {
                field,
                requires,
                code,
            } => {
                if present(body, field) && !present(body, requires) {
                    let kind = Kind::Requires { field: requires };
                    self.push(join(path, field), kind, code);
                }
            }
            CrossRule::ForbiddenWhen {
                field,
                when,
                equals,
                code,
            } => {
                if present(body, field) && body.get(*when) == Some(&Value::Bool(*equals)) {
                    let kind = Kind::ForbiddenWhen {
                        field: when,
                        equals: *equals,
                    };
                    self.push(join(path, field), kind, code);
                }
            }
            CrossRule::Sum {
                total,
                items,
                plus,
                price,
                quantity,
                code,
            } => {
                let list = body.get(*items).and_then(Value::as_array);
                let list = list.filter(|l| !l.is_empty());
                let (Some(list), Some(total_value)) =
                    (list, body.get(*total).and_then(Value::as_i64))
                else {
                    return;
                };
                let int = |x: &Value, k: &str| x.get(k).and_then(Value::as_i64);
                // An item without an integer price or quantity is the shape's to report.
                let parts: Option<Vec<(i64, i64)>> = list
                    .iter()
                    .map(|x| Some((int(x, price)?, int(x, quantity)?)))
                    .collect();
                let Some(parts) = parts else { return };
                let start = body.get(*plus).and_then(Value::as_i64).unwrap_or(0);
                let sum = parts
                    .iter()
                    .map(|(p, q)| p.checked_mul(*q))
                    .try_fold(start, |acc, part| acc.checked_add(part?));
                if sum != Some(total_value) {
                    self.push(join(path, total), Kind::Sum { expected: sum }, code);
                }
            }
        }
    }
}

/// Whether the body sends `name`: present, not `null`, not an empty list.
fn present(body: &Body, name: &str) -> bool {
    match body.get(name) {
        None | Some(Value::Null) => false,
        Some(Value::Array(list)) => !list.is_empty(),
        Some(_) => true,
    }
}
