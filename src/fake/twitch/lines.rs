//! Twitch IRC lines as the real server writes them (tag order and values from Twitch's docs
//! and twitch-irc-rs captures). Pure builders, shared by the fake and tests.

use crate::source::twitch::irc::escape;

/// Who sends a line: login, display name and numeric id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub login: String,
    pub display: String,
    pub id: u64,
    /// Months subscribed (0: not a subscriber).
    pub sub_months: u32,
}

impl User {
    pub fn new(display: &str, id: u64) -> User {
        User {
            // Logins are letters, digits and `_`, lowercased.
            login: display
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .collect(),
            display: display.into(),
            id,
            sub_months: 0,
        }
    }

    fn badge_tags(&self) -> String {
        if self.sub_months == 0 {
            return "badge-info=;badges=;".into();
        }
        let tier = [0, 3, 6, 9, 12, 24]
            .into_iter()
            .rfind(|t| *t <= self.sub_months)
            .unwrap_or(0);
        format!(
            "badge-info=subscriber/{};badges=subscriber/{tier},premium/1;",
            self.sub_months
        )
    }

    fn source(&self) -> String {
        format!("{0}!{0}@{0}.tmi.twitch.tv", self.login)
    }
}

/// A chat message; `emotes` is the tag value (`25:0-4/…`), `bits` only on cheers.
#[derive(Clone, Debug)]
pub struct Privmsg<'a> {
    pub id: &'a str,
    pub room_id: u64,
    pub channel: &'a str,
    pub user: &'a User,
    pub text: &'a str,
    pub emotes: &'a str,
    pub bits: Option<u32>,
    pub sent_ms: i64,
}

pub fn privmsg(m: &Privmsg<'_>) -> String {
    let bits = m.bits.map(|b| format!("bits={b};")).unwrap_or_default();
    format!(
        "@{}{bits}client-nonce=5f1c2e;color=#1E90FF;display-name={};emotes={};first-msg=0;flags=;id={};mod=0;returning-chatter=0;room-id={};subscriber={};tmi-sent-ts={};turbo=0;user-id={};user-type= :{} PRIVMSG #{} :{}",
        m.user.badge_tags(),
        escape(&m.user.display),
        m.emotes,
        m.id,
        m.room_id,
        u8::from(m.user.sub_months > 0),
        m.sent_ms,
        m.user.id,
        m.user.source(),
        m.channel,
        m.text
    )
}

/// The tags every USERNOTICE carries, then its `msg-id` and `msg-param-…` tags.
pub struct Notice<'a> {
    pub id: &'a str,
    pub room_id: u64,
    pub channel: &'a str,
    pub user: &'a User,
    pub sent_ms: i64,
}

/// `kind` is the `msg-id`; `params` are `(name, raw value)` pairs for `msg-param-name`.
pub fn usernotice(
    n: &Notice<'_>,
    kind: &str,
    params: &[(&str, String)],
    system_msg: &str,
    text: Option<&str>,
) -> String {
    let mut params: Vec<(&str, String)> = params.to_vec();
    params.sort_by(|a, b| a.0.cmp(b.0));
    let params: String = params
        .iter()
        .map(|(k, v)| format!("msg-param-{k}={};", escape(v)))
        .collect();
    let trailing = text.map(|t| format!(" :{t}")).unwrap_or_default();
    format!(
        "@{}color=;display-name={};emotes=;flags=;id={};login={};mod=0;msg-id={kind};{params}room-id={};subscriber=1;system-msg={};tmi-sent-ts={};user-id={};user-type= :tmi.twitch.tv USERNOTICE #{}{trailing}",
        n.user.badge_tags(),
        escape(&n.user.display),
        n.id,
        n.user.login,
        n.room_id,
        escape(system_msg),
        n.sent_ms,
        n.user.id,
        n.channel,
    )
}

pub fn clearmsg(channel: &str, login: &str, target: &str, sent_ms: i64, text: &str) -> String {
    format!(
        "@login={login};room-id=;target-msg-id={target};tmi-sent-ts={sent_ms} :tmi.twitch.tv CLEARMSG #{channel} :{text}"
    )
}

/// A timeout (`secs`) or a permanent ban (`None`).
pub fn clearchat(
    channel: &str,
    room_id: u64,
    user: &User,
    secs: Option<u32>,
    sent_ms: i64,
) -> String {
    let duration = secs
        .map(|s| format!("ban-duration={s};"))
        .unwrap_or_default();
    format!(
        "@{duration}room-id={room_id};target-user-id={};tmi-sent-ts={sent_ms} :tmi.twitch.tv CLEARCHAT #{channel} :{}",
        user.id, user.login
    )
}

/// The welcome burst after `NICK` (one frame, several lines).
pub fn welcome(nick: &str) -> String {
    [
        format!(":tmi.twitch.tv 001 {nick} :Welcome, GLHF!"),
        format!(":tmi.twitch.tv 002 {nick} :Your host is tmi.twitch.tv"),
        format!(":tmi.twitch.tv 003 {nick} :This server is rather new"),
        format!(":tmi.twitch.tv 004 {nick} :-"),
        format!(":tmi.twitch.tv 375 {nick} :-"),
        format!(":tmi.twitch.tv 372 {nick} :You are in a maze of twisty passages, all alike."),
        format!(":tmi.twitch.tv 376 {nick} :>"),
    ]
    .join("\r\n")
}

/// What a JOIN gets back: the echo, the names list, and the room's modes.
pub fn joined(nick: &str, channel: &str, room_id: u64, slow: u32) -> String {
    [
        format!(":{nick}!{nick}@{nick}.tmi.twitch.tv JOIN #{channel}"),
        format!(":{nick}.tmi.twitch.tv 353 {nick} = #{channel} :{nick}"),
        format!(":{nick}.tmi.twitch.tv 366 {nick} #{channel} :End of /NAMES list"),
        roomstate(channel, room_id, Some(slow)),
    ]
    .join("\r\n")
}

/// The full ROOMSTATE (`slow: Some`) as sent on join, or only a slow-mode change.
pub fn roomstate(channel: &str, room_id: u64, slow: Option<u32>) -> String {
    let slow = slow.unwrap_or(0);
    format!(
        "@emote-only=0;followers-only=-1;r9k=0;room-id={room_id};slow={slow};subs-only=0 :tmi.twitch.tv ROOMSTATE #{channel}"
    )
}

pub fn slow_mode(channel: &str, room_id: u64, secs: u32) -> String {
    format!("@room-id={room_id};slow={secs} :tmi.twitch.tv ROOMSTATE #{channel}")
}

pub const RECONNECT: &str = ":tmi.twitch.tv RECONNECT";
pub const PING: &str = "PING :tmi.twitch.tv";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Event;
    use crate::source::twitch::{Mapper, irc};

    fn map(line: &str) -> Vec<Event> {
        let m = irc::parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        let mut out = Vec::new();
        Mapper::new().map(&m, &mut out).unwrap();
        out
    }

    #[test]
    fn built_lines_parse_and_map() {
        let mut u = User::new("Some_Body", 5);
        u.sub_months = 7;
        let p = Privmsg {
            id: "11111111-2222-4333-8444-555555555555",
            room_id: 1,
            channel: "chan",
            user: &u,
            text: "Kappa hi",
            emotes: "25:0-4",
            bits: Some(50),
            sent_ms: 1,
        };
        let ev = map(&privmsg(&p));
        assert_eq!(ev.len(), 2);
        let Event::Chat(c) = &ev[0] else { panic!() };
        assert_eq!(c.emote_names().collect::<Vec<_>>(), vec!["Kappa"]);
        let n = Notice {
            id: "x",
            room_id: 1,
            channel: "chan",
            user: &u,
            sent_ms: 2,
        };
        let raid = usernotice(
            &n,
            "raid",
            &[
                ("viewerCount", "42".into()),
                ("displayName", "Some_Body".into()),
            ],
            "42 raiders from Some_Body have joined!",
            None,
        );
        assert_eq!(
            map(&raid),
            vec![Event::Raid {
                from: "Some_Body".into(),
                viewers: 42
            }]
        );
        for frame in [welcome("justinfan1"), joined("justinfan1", "chan", 1, 0)] {
            assert!(irc::lines(&frame).all(|l| irc::parse(l).is_ok()));
        }
    }
}
