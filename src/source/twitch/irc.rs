//! IRC lines as Twitch sends them (IRCv3 message tags): `@tags :prefix COMMAND params :trailing`.
//! Parsing borrows from the frame; only tag values with escapes allocate.

use std::borrow::Cow;

/// One parsed line. Tag values are unescaped on lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IrcMessage<'a> {
    /// The raw tag section without the leading `@` (empty when none).
    tags: &'a str,
    pub prefix: Option<&'a str>,
    pub command: &'a str,
    /// Middle parameters, then the trailing one (its `:` removed) when present.
    pub params: Vec<&'a str>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IrcError {
    #[error("an IRC line with tags but nothing after them")]
    TagsOnly,
    #[error("an IRC line with a prefix but no command")]
    NoCommand,
    /// Its length only: a line cut short may put chat text where the command goes, and
    /// chat text stays out of the log.
    #[error("an IRC command of {0} characters that is not a word or a 3-digit number")]
    BadCommand(usize),
}

/// The lines of one WebSocket frame: Twitch separates them with `\r\n` and may send several.
pub fn lines(frame: &str) -> impl Iterator<Item = &str> {
    frame
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty())
}

/// Parses one line (without its line ending).
pub fn parse(line: &str) -> Result<IrcMessage<'_>, IrcError> {
    let mut rest = line.trim_start_matches(' ');
    let mut tags = "";
    if let Some(after) = rest.strip_prefix('@') {
        let (t, r) = after.split_once(' ').ok_or(IrcError::TagsOnly)?;
        tags = t;
        rest = r.trim_start_matches(' ');
    }
    let mut prefix = None;
    if let Some(after) = rest.strip_prefix(':') {
        let (p, r) = after.split_once(' ').ok_or(IrcError::NoCommand)?;
        prefix = Some(p);
        rest = r.trim_start_matches(' ');
    }
    let (command, mut rest) = rest.split_once(' ').unwrap_or((rest, ""));
    if command.is_empty() {
        return Err(IrcError::NoCommand);
    }
    let word = command.bytes().all(|b| b.is_ascii_alphabetic());
    let numeric = command.len() == 3 && command.bytes().all(|b| b.is_ascii_digit());
    if !(word || numeric) {
        return Err(IrcError::BadCommand(command.chars().count()));
    }
    let mut params = Vec::new();
    loop {
        rest = rest.trim_start_matches(' ');
        if rest.is_empty() {
            break;
        }
        if let Some(trailing) = rest.strip_prefix(':') {
            params.push(trailing);
            break;
        }
        let (p, r) = rest.split_once(' ').unwrap_or((rest, ""));
        params.push(p);
        rest = r;
    }
    Ok(IrcMessage {
        tags,
        prefix,
        command,
        params,
    })
}

impl<'a> IrcMessage<'a> {
    /// A tag's value, unescaped; `None` when absent. A tag without `=` has an empty value.
    pub fn tag(&self, key: &str) -> Option<Cow<'a, str>> {
        self.raw_tags()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| unescape(v))
    }

    /// A tag's value when present and not empty.
    pub fn tag_nonempty(&self, key: &str) -> Option<Cow<'a, str>> {
        self.tag(key).filter(|v| !v.is_empty())
    }

    /// A numeric tag; absent or unreadable is `None`.
    pub fn tag_u64(&self, key: &str) -> Option<u64> {
        self.tag(key)?.trim().parse().ok()
    }

    /// `(key, raw value)` pairs in order.
    pub fn raw_tags(&self) -> impl Iterator<Item = (&'a str, &'a str)> + use<'a> {
        let tags: &'a str = self.tags;
        tags.split(';')
            .filter(|t| !t.is_empty())
            .map(|t| t.split_once('=').unwrap_or((t, "")))
    }

    /// The nick in `nick!user@host`, or the whole prefix when it is a server name.
    pub fn nick(&self) -> Option<&'a str> {
        let p = self.prefix?;
        Some(p.split_once('!').map_or(p, |(n, _)| n))
    }

    pub fn param(&self, i: usize) -> Option<&'a str> {
        self.params.get(i).copied()
    }

    /// The last parameter (the message text of PRIVMSG / USERNOTICE).
    pub fn trailing(&self) -> Option<&'a str> {
        self.params.last().copied()
    }
}

/// IRCv3 tag value unescaping: `\s` space, `\:` `;`, `\\` `\`, `\r`, `\n`; any other escaped
/// character stands for itself and a lone trailing `\` is dropped.
pub fn unescape(v: &str) -> Cow<'_, str> {
    if !v.contains('\\') {
        return Cow::Borrowed(v);
    }
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('s') => out.push(' '),
            Some(':') => out.push(';'),
            Some('\\') => out.push('\\'),
            Some('r') => out.push('\r'),
            Some('n') => out.push('\n'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    Cow::Owned(out)
}

/// The escaping Twitch applies to tag values (for the fake and tests).
pub fn escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            ' ' => out.push_str("\\s"),
            ';' => out.push_str("\\:"),
            '\\' => out.push_str("\\\\"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// A read-only anonymous nick: `justinfan` and digits (any work; varied so two runs differ).
pub fn anonymous_nick(seed: u64) -> String {
    format!("justinfan{}", 10_000 + seed % 89_990)
}

/// The capabilities asked for: tags (ids, badges, bits, names) and commands (USERNOTICE,
/// CLEARMSG, CLEARCHAT, ROOMSTATE).
pub const CAPS: &str = "twitch.tv/tags twitch.tv/commands";

/// The anonymous login (§5): tags and commands, a dummy password, a justinfan nick, the join.
pub fn handshake(nick: &str, channel: &str) -> [String; 4] {
    [
        format!("CAP REQ :{CAPS}"),
        "PASS SCHMOOPIIE".into(),
        format!("NICK {nick}"),
        format!("JOIN #{channel}"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRIVMSG: &str = "@badge-info=subscriber/8;badges=subscriber/6,premium/1;bits=100;color=#1E90FF;display-name=Viewer;emotes=25:0-4,12-16/1902:6-10;first-msg=0;id=b34ccfc7-4977-403a-8a94-33c6bac34fb8;mod=0;room-id=12345;subscriber=1;tmi-sent-ts=1700000000000;user-id=67890 :viewer!viewer@viewer.tmi.twitch.tv PRIVMSG #channel :Kappa Keepo Kappa";

    #[test]
    fn a_tagged_privmsg_parses() {
        let m = parse(PRIVMSG).unwrap();
        assert_eq!(m.command, "PRIVMSG");
        assert_eq!(m.prefix, Some("viewer!viewer@viewer.tmi.twitch.tv"));
        assert_eq!(m.nick(), Some("viewer"));
        assert_eq!(m.params, vec!["#channel", "Kappa Keepo Kappa"]);
        assert_eq!(m.tag("bits").as_deref(), Some("100"));
        assert_eq!(m.tag_u64("user-id"), Some(67890));
        assert_eq!(m.tag("emotes").as_deref(), Some("25:0-4,12-16/1902:6-10"));
        assert_eq!(m.tag("nope"), None);
    }

    #[test]
    fn tag_values_unescape() {
        let line =
            r"@system-msg=5\sraiders\sfrom\sA\:\sB\\C\nD;flag;empty= :tmi.twitch.tv USERNOTICE #c";
        let m = parse(line).unwrap();
        assert_eq!(
            m.tag("system-msg").as_deref(),
            Some("5 raiders from A; B\\C\nD")
        );
        assert_eq!(m.tag("flag").as_deref(), Some(""));
        assert_eq!(m.tag_nonempty("empty"), None);
        assert_eq!(m.trailing(), Some("#c"));
        assert_eq!(unescape(r"a\rb\x\"), "a\rbx");
        let raw = "a b;c\\d\r\ne";
        assert_eq!(unescape(&escape(raw)), raw);
    }

    #[test]
    fn commands_without_tags_or_prefix() {
        let m = parse("PING :tmi.twitch.tv").unwrap();
        assert_eq!((m.command, m.prefix), ("PING", None));
        assert_eq!(m.trailing(), Some("tmi.twitch.tv"));
        let m = parse(":tmi.twitch.tv RECONNECT").unwrap();
        assert_eq!(m.command, "RECONNECT");
        assert!(m.params.is_empty());
        let m = parse(":tmi.twitch.tv 001 justinfan123 :Welcome, GLHF!").unwrap();
        assert_eq!(m.params, vec!["justinfan123", "Welcome, GLHF!"]);
        // A trailing parameter may be empty and may hold colons.
        let m = parse(":a!a@a PRIVMSG #c ::) hi: there").unwrap();
        assert_eq!(m.trailing(), Some(":) hi: there"));
    }

    #[test]
    fn frames_split_into_lines() {
        let frame = "PING :tmi.twitch.tv\r\n:tmi.twitch.tv RECONNECT\r\n\r\n:x!x@x JOIN #c\n";
        let got: Vec<&str> = lines(frame).collect();
        assert_eq!(
            got,
            vec![
                "PING :tmi.twitch.tv",
                ":tmi.twitch.tv RECONNECT",
                ":x!x@x JOIN #c"
            ]
        );
    }

    #[test]
    fn malformed_lines_are_errors() {
        assert_eq!(parse("@a=b"), Err(IrcError::TagsOnly));
        assert_eq!(parse(":prefix-only"), Err(IrcError::NoCommand));
        assert_eq!(parse("@a=b :p"), Err(IrcError::NoCommand));
        assert!(matches!(
            parse("{\"json\":1}"),
            Err(IrcError::BadCommand(_))
        ));
        assert!(matches!(parse("12 x"), Err(IrcError::BadCommand(_))));
        // The second half of a line cut in two: none of it reaches the log.
        let e = parse("s=1796611486062;turbo=0 :so this is my secret").unwrap_err();
        assert!(!e.to_string().contains("turbo"), "{e}");
    }
}
