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
        out.extend(w.chars().filter(|&c| !is_invisible(c)));
    }
    out
}

/// `clean`, then at most `max` characters: someone else's words quoted on one line (a
/// server's refusal, a login error, a chat line).
pub fn clean_cut(s: &str, max: usize) -> String {
    clean(s).chars().take(max).collect()
}

/// `clean`, without a copy when there is nothing to clean (names and emotes shown in banners).
pub fn shown(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars()
        .any(|c| c.is_control() || is_bidi_control(c) || is_invisible(c))
    {
        std::borrow::Cow::Owned(clean(s))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Zero-width space, word joiner and BOM: invisible, and dropped (a name or a model's words
/// that look alike must read alike). Not U+200D, which joins emoji.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text as the TUI draws it: without emoji joiners (only there: a bot's post, an alert or a
/// stored title keeps them).
pub fn for_tui(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(is_emoji_joiner) {
        std::borrow::Cow::Owned(s.chars().filter(|&c| !is_emoji_joiner(c)).collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// What glues emoji into one picture: the zero-width joiner (👨‍👩‍👧), the presentation
/// selectors (❤️) and skin tones (👍🏽). ratatui measures such a sequence as one glyph and tmux
/// as its parts, so a row holding one was drawn a few columns off (its border too); without
/// them both count the same.
fn is_emoji_joiner(c: char) -> bool {
    matches!(
        c,
        '\u{200D}' | '\u{FE0E}' | '\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}'
    )
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
        assert_eq!(clean("try\u{200B} re\u{2060}act\u{FEFF}"), "try react");
        assert_eq!(shown("\u{FEFF}name"), "name");
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

    #[test]
    fn the_tui_draws_emoji_without_joiners_so_every_terminal_counts_them_alike() {
        assert_eq!(
            for_tui("fam \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}!"),
            "fam \u{1F468}\u{1F469}\u{1F467}!"
        );
        assert_eq!(
            for_tui("gg \u{1F44D}\u{1F3FD} \u{2764}\u{FE0F}"),
            "gg \u{1F44D} \u{2764}"
        );
        assert!(matches!(
            for_tui("\u{1F602} ok"),
            std::borrow::Cow::Borrowed(_)
        ));
        // Elsewhere (a bot's post, an alert) they stay.
        assert_eq!(clean("gg \u{1F44D}\u{1F3FD}"), "gg \u{1F44D}\u{1F3FD}");
    }
}
