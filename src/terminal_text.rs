//! Text from outside (a model, a platform's notice, a login error) made fit for one terminal
//! line before it is shown or logged.

/// Text fit for a terminal line: control characters (escape sequences with their
/// parameters, newlines) and bidi overrides (which reorder what is shown) become spaces, runs
/// of whitespace one space, trimmed.
pub fn clean(s: &str) -> String {
    let s = strip_escapes(s);
    let mut out = String::with_capacity(s.len());
    for w in s
        .split(|c: char| c.is_whitespace() || c.is_control() || is_bidi_control(c))
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// `clean`, without a copy when there is nothing to clean (names and emotes shown in banners).
pub fn shown(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        std::borrow::Cow::Owned(clean(s))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Drops ANSI escape sequences whole (`ESC [ 31 m`, not just the ESC), string sequences with
/// their payload too (`ESC ] 0;title BEL`, a window title; `ESC ] 52;…`, a clipboard write).
fn strip_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        out.push(' ');
        match chars.next() {
            // CSI: parameters and intermediates, then one final byte in @..~.
            Some('[') => {
                for p in chars.by_ref() {
                    if ('@'..='~').contains(&p) {
                        break;
                    }
                }
            }
            // OSC, DCS, SOS, PM, APC: up to BEL or ST (ESC \), or the end.
            Some(']' | 'P' | 'X' | '^' | '_') => {
                while let Some(p) = chars.next() {
                    if p == '\u{7}' || (p == '\u{1b}' && chars.next_if_eq(&'\\').is_some()) {
                        break;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_bidi_overrides_never_reach_a_screen() {
        assert_eq!(clean("hype \u{1b}[31mlive\u{1b}[0m\n now"), "hype live now");
        // U+202E would show "evil" as "live".
        assert_eq!(clean("hype \u{202E}evil"), "hype evil");
        assert_eq!(clean("\u{1b}"), "");
        assert_eq!(shown("\u{1b}]0;pwned\u{7}RED"), "RED");
        assert_eq!(
            clean("a\u{1b}]52;c;ZWNobw==\u{1b}\\b \u{1b}Px\u{1b}\\c"),
            "a b c"
        );
        assert_eq!(clean("a \u{1b}]0;never ends"), "a");
        assert!(matches!(
            shown("Kappa 絶対"),
            std::borrow::Cow::Borrowed("Kappa 絶対")
        ));
    }
}
