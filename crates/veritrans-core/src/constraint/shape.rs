//! The JSON shape of a body: required properties present, every value of
//! the JSON type its table row gives it, before the body is read as a type.

use serde_json::{Map, Value};

use super::{Broken, Check, Kind, Object, index, join};

/// The codes of the two shape failures no table row names.
///
/// ```
/// use veritrans_core::constraint::{Check, Field, Kind, Object, ShapeCodes, check_shape};
///
/// const CARD: &Object<&str> = &Object {
///     name: "Card",
///     fields: &[Field { name: "number", required: true, code: None, check: Check::Known(&["x"]) }],
///     rules: &[],
/// };
/// let codes = ShapeCodes { missing: "RC31", untyped: "RC43" };
/// let mut body = serde_json::json!({"number": 4111}).as_object().unwrap().clone();
/// let broken = check_shape(CARD, &mut body, "", &codes).unwrap_err();
/// assert_eq!((broken.kind, broken.code), (Kind::JsonType { expected: "string" }, "RC43"));
/// ```
#[derive(Debug, Clone)]
pub struct ShapeCodes<C> {
    /// A required property is absent or `null`.
    pub missing: C,
    /// A value of the wrong JSON type where the row has no code of its own.
    pub untyped: C,
}

/// The first shape failure of `body`, in table order (nested objects and
/// lists in place): a required property absent or `null`
/// ([`Kind::Missing`], `codes.missing`), or a value of another JSON type
/// ([`Kind::JsonType`], the row's code or `codes.untyped`). The `null`s of
/// the properties the table knows are removed, so a typed reading sees them
/// absent; properties it does not know are left alone.
///
/// ```
/// use veritrans_core::constraint::{Check, Field, Kind, Object, ShapeCodes, check_shape};
///
/// const REQUEST: &Object<&str> = &Object {
///     name: "Request",
///     fields: &[
///         Field { name: "order_id", required: true, code: Some("RC01"), check: Check::Known(&["o-1"]) },
///         Field { name: "dummy", required: false, code: Some("RC26"), check: Check::Boolean },
///     ],
///     rules: &[],
/// };
/// let codes = ShapeCodes { missing: "RC31", untyped: "RC43" };
/// let mut absent = serde_json::json!({"dummy": null}).as_object().unwrap().clone();
/// let broken = check_shape(REQUEST, &mut absent, "", &codes).unwrap_err();
/// assert_eq!((broken.path.as_str(), broken.kind, broken.code), ("order_id", Kind::Missing, "RC31"));
/// let mut wrong = serde_json::json!({"order_id": "o-1", "dummy": "yes"}).as_object().unwrap().clone();
/// assert_eq!(check_shape(REQUEST, &mut wrong, "", &codes).unwrap_err().code, "RC26");
/// let mut fine = serde_json::json!({"order_id": "o-1", "dummy": null}).as_object().unwrap().clone();
/// assert!(check_shape(REQUEST, &mut fine, "", &codes).is_ok());
/// assert!(!fine.contains_key("dummy")); // a known `null` removed: read as absent
/// ```
pub fn check_shape<C: Clone>(
    object: &Object<C>,
    body: &mut Map<String, Value>,
    path: &str,
    codes: &ShapeCodes<C>,
) -> Result<(), Broken<C>> {
    for field in object.fields {
        // The field's path is written only for an error or a nested object: building
        // it for every row (most of them absent) was a third of a sandbox POP
        // payment-key request's shape check (callgrind).
        let at = || join(path, field.name);
        // One look-up for a present value; a `null` is removed (it reads as absent).
        let value = match body.get_mut(field.name) {
            Some(Value::Null) => {
                body.remove(field.name);
                None
            }
            value => value,
        };
        let Some(value) = value else {
            if field.required {
                let code = codes.missing.clone();
                return Err(Broken {
                    path: at(),
                    kind: Kind::Missing,
                    code,
                });
            }
            continue;
        };
        let wrong = |path: String, expected: &'static str| Broken {
            path,
            kind: Kind::JsonType { expected },
            code: field.code.clone().unwrap_or_else(|| codes.untyped.clone()),
        };
        match (&field.check, value) {
            (Check::Text(_) | Check::Known(_), Value::String(_))
            | (Check::Boolean, Value::Bool(_)) => {}
            (Check::Integer { .. }, Value::Number(n)) if n.is_i64() => {}
            (Check::Object(inner), Value::Object(o)) => check_shape(inner, o, &at(), codes)?,
            (Check::KnownList { .. }, Value::Array(list)) => {
                if let Some(i) = list.iter().position(|x| !x.is_string()) {
                    return Err(wrong(index(&at(), i), "string"));
                }
            }
            (Check::ObjectList { item, .. }, Value::Array(list)) => {
                let at = at();
                for (i, x) in list.iter_mut().enumerate() {
                    match x {
                        Value::Object(o) => check_shape(item, o, &index(&at, i), codes)?,
                        _ => return Err(wrong(index(&at, i), "object")),
                    }
                }
            }
            (check, _) => return Err(wrong(at(), json_type(check))),
        }
    }
    Ok(())
}

/// The JSON type of a row, as messages name it.
fn json_type<C>(check: &Check<C>) -> &'static str {
    match check {
        Check::Text(_) | Check::Known(_) => "string",
        Check::Integer { .. } => "integer",
        Check::Boolean => "boolean",
        Check::Object(_) => "object",
        Check::KnownList { .. } => "array of strings",
        Check::ObjectList { .. } => "array of objects",
    }
}
