//! Strings inside `data`, read straight from the raw frame. `data` is JSON text inside a JSON
//! string, so each inner string is escaped twice: an inner `"` is `\\\"` in the raw frame,
//! an inner `\u00e9` is `\\u00e9`, an inner `\/` is `\\/`, and the string ends at `\"`.
//!
//! Anything unusual (outer `\uXXXX`, raw control characters, a stray quote, bad or lone
//! surrogates) returns `None` so the caller falls back to the typed decoder, which then
//! decides (usually an error).

use std::borrow::Cow;

/// Reads an inner string whose opening `\"` ends just before `start`. Returns the value and
/// the index just past its closing `\"`. Borrows when there is nothing to unescape.
pub(super) fn inner_str(raw: &str, start: usize) -> Option<(Cow<'_, str>, usize)> {
    let b = raw.as_bytes();
    let mut i = start;
    let mut out: Option<String> = None;
    loop {
        // JSON forbids raw control characters in strings; an unescaped quote ends `data`.
        let j = find_special(b, i)?;
        if b[j] != b'\\' {
            return None;
        }
        let chunk = raw.get(i..j)?;
        match *b.get(j + 1)? {
            b'"' => {
                let value = match out {
                    None => Cow::Borrowed(raw.get(start..j)?),
                    Some(mut s) => {
                        s.push_str(chunk);
                        Cow::Owned(s)
                    }
                };
                return Some((value, j + 2));
            }
            b'\\' => {
                let (ch, next) = inner_escape(b, j + 2)?;
                let s = out.get_or_insert_with(|| String::with_capacity(j - start + 16));
                s.push_str(chunk);
                s.push(ch);
                i = next;
            }
            // An outer `\/` is a plain `/` in the inner text.
            b'/' => {
                let s = out.get_or_insert_with(|| String::with_capacity(j - start + 16));
                s.push_str(chunk);
                s.push('/');
                i = j + 2;
            }
            _ => return None,
        }
    }
}

/// The first `\\`, `"` or control character at or after `i`, eight bytes at a time (the
/// values are short, where memchr's setup would cost more than the scan).
fn find_special(b: &[u8], mut i: usize) -> Option<usize> {
    const LO: u64 = u64::from_ne_bytes([1; 8]);
    const HI: u64 = u64::from_ne_bytes([0x80; 8]);
    // Flags bytes below `n`; the lowest flag is exact (borrows only run upwards).
    let below = |w: u64, n: u8| w.wrapping_sub(LO * u64::from(n)) & !w & HI;
    while let Some(chunk) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().ok()?);
        let hit = below(w ^ (LO * u64::from(b'"')), 1)
            | below(w ^ (LO * u64::from(b'\\')), 1)
            | below(w, 0x20);
        if hit != 0 {
            return Some(i + (hit.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    let rest = b.get(i..)?;
    let k = rest
        .iter()
        .position(|&c| c == b'\\' || c == b'"' || c < 0x20)?;
    Some(i + k)
}

/// Decodes the inner escape whose (outer-encoded) letter starts at `k`, after the raw `\\`.
fn inner_escape(b: &[u8], k: usize) -> Option<(char, usize)> {
    let simple = |c: char| Some((c, k + 1));
    match *b.get(k)? {
        // The inner escape letter is itself `\"` or `\\` in the raw frame.
        b'\\' => match *b.get(k + 1)? {
            b'"' => Some(('"', k + 2)),
            b'\\' => Some(('\\', k + 2)),
            _ => None,
        },
        b'/' => simple('/'),
        b'n' => simple('\n'),
        b't' => simple('\t'),
        b'r' => simple('\r'),
        b'b' => simple('\u{8}'),
        b'f' => simple('\u{c}'),
        b'u' => {
            let hi = hex4(b, k + 1)?;
            match hi {
                0xD800..=0xDBFF => {
                    // A surrogate pair: the low half must follow as `\\uXXXX`.
                    if b.get(k + 5..k + 8)? != b"\\\\u" {
                        return None;
                    }
                    let lo = hex4(b, k + 8)?;
                    if !(0xDC00..=0xDFFF).contains(&lo) {
                        return None;
                    }
                    let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                    Some((char::from_u32(c)?, k + 12))
                }
                0xDC00..=0xDFFF => None,
                _ => Some((char::from_u32(hi)?, k + 5)),
            }
        }
        _ => None,
    }
}

fn hex4(b: &[u8], at: usize) -> Option<u32> {
    let mut v = 0;
    for &c in b.get(at..at + 4)? {
        v = v << 4 | (c as char).to_digit(16)?;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds the raw form of an inner string body the way Kick does: JSON-escape the
    /// value, then JSON-escape that text again as part of the outer `data` string.
    fn twice(value: &str) -> String {
        let inner = serde_json::to_string(value).unwrap();
        let outer = serde_json::to_string(&inner).unwrap();
        // Drop the outer quotes and the inner opening `\"`; keep the closing `\"`.
        outer[3..outer.len() - 1].to_owned()
    }

    #[test]
    fn plain_values_are_borrowed() {
        let raw = twice("SomeViewer");
        let (v, end) = inner_str(&raw, 0).unwrap();
        assert!(matches!(v, Cow::Borrowed("SomeViewer")));
        assert_eq!(end, raw.len());
    }

    #[test]
    fn two_level_escapes_round_trip() {
        for s in [
            "he said \"clip it\"",
            "back\\slash \\\" mix",
            "line\nbreak\ttab\r\u{8}\u{c}",
            "\u{1}\u{1f} ctl",
            "café ☕ 😀 العربية",
            "",
            "\\",
            "\"",
        ] {
            let raw = twice(s);
            let (v, end) = inner_str(&raw, 0).unwrap();
            assert_eq!(v, s, "{raw}");
            assert_eq!(end, raw.len());
        }
    }

    #[test]
    fn unicode_escapes_and_slashes() {
        // Inner `caf\u00e9 \ud83d\ude00 a\/b`, as PHP writes it, inside the outer string.
        let raw = r#"caf\\u00e9 \\ud83d\\ude00 a\\/b \/c\""#;
        let (v, _) = inner_str(raw, 0).unwrap();
        assert_eq!(v, "café 😀 a/b /c");
    }

    #[test]
    fn special_bytes_are_found_at_every_offset() {
        for len in 0..40 {
            for at in 0..len {
                for special in [b'"', b'\\', 0u8, 0x1f] {
                    let mut v = vec![b'a'; len];
                    v[at] = special;
                    // Bytes just above the specials, and non-ASCII, must not be flagged.
                    for x in v.iter_mut().skip(at + 1).step_by(3) {
                        *x = 0xA0;
                    }
                    for (k, x) in v.iter_mut().take(at).enumerate() {
                        *x = [b'#', b']', 0x20, 0xE9, 0x7f][k % 5];
                    }
                    assert_eq!(find_special(&v, 0), Some(at), "{v:?}");
                }
            }
            assert_eq!(find_special(&vec![b'x'; len], 0), None);
        }
    }

    #[test]
    fn unsure_input_is_none() {
        for raw in [
            r#"lone \\ud800 x\""#,
            r#"low \\udc00\""#,
            r#"pair \\ud83d\\u0041\""#,
            r#"bad \\x\""#,
            r#"bad hex \\u12G4\""#,
            r#"outer unicode \u00e9\""#,
            r#"outer newline \n\""#,
            "raw \u{1} control\\\"",
            r#"stray " quote\""#,
            r#"unterminated"#,
            r#"cut \\u00"#,
            r#"cut \\"#,
        ] {
            assert_eq!(inner_str(raw, 0), None, "{raw}");
        }
    }
}
