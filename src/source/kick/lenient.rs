//! Fields read whatever type Kick (or a proxy, or a change on its side) sends them as: a chat
//! message must not be lost to a badge list of strings or a number sent as text. What cannot
//! be read is `None` and the rest of the payload is kept. Only the general decoder uses these
//! (the fast path reads the usual shape), so reading through a `Value` costs nothing there.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A string; any other value is `None`.
pub(super) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        _ => None,
    })
}

/// A whole number ≥ 0, also as text (`"12"`) or a float without a fraction (`12.0`).
pub(super) fn number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(number_of(&Value::deserialize(d)?))
}

/// A count: a number as [`number`] reads it that fits in a u32, else none.
pub(super) fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Ok(number_of(&Value::deserialize(d)?).and_then(|n| u32::try_from(n).ok()))
}

fn number_of(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().or_else(|| {
            let f = n.as_f64()?;
            // Below 2^53 a float holds the integer exactly.
            (f >= 0.0 && f.fract() == 0.0 && f < 9.0e15).then_some(f as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `badges`: the type names in a list of badges (objects with a `type`, or bare names);
/// anything else in it, or a value that is not a list, is skipped.
pub(super) fn badges<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let Value::Array(list) = Value::deserialize(d)? else {
        return Ok(Vec::new());
    };
    Ok(list
        .into_iter()
        .filter_map(|b| match b {
            Value::String(name) => Some(name),
            Value::Object(mut o) => match o.remove("type") {
                Some(Value::String(name)) => Some(name),
                _ => None,
            },
            _ => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_text_or_whole_floats_are_numbers_and_the_rest_is_none() {
        let n = |s: &str| number_of(&serde_json::from_str(s).unwrap());
        assert_eq!(n("12"), Some(12));
        assert_eq!(n("\"12\""), Some(12));
        assert_eq!(n("12.0"), Some(12));
        assert_eq!(n("12.5"), None);
        assert_eq!(n("-3"), None);
        assert_eq!(n("null"), None);
        assert_eq!(n("[1]"), None);
    }
}
