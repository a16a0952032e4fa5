//! Twitch IRC messages → platform-neutral events. Pure: no I/O, no clock. Stateful only where
//! Twitch needs it: a community gift is announced once and then repeated per recipient, and a
//! ROOMSTATE after a reconnect repeats the modes without changing them.

use std::collections::{HashMap, VecDeque};

use super::irc::IrcMessage;
use crate::domain::{Badges, ChatMessage, EmoteRef, Event, MsgId, hash_str};
use crate::source::kick::DedupKey;

/// How an anonymous gifter is named (Twitch's own account for it is `ananonymousgifter`).
pub const ANONYMOUS_GIFTER: &str = "an anonymous gifter";
const ANONYMOUS_GIFTER_LOGIN: &str = "ananonymousgifter";

/// How many open community gifts are remembered (oldest forgotten first).
const GIFTS_HELD: usize = 256;

/// The key a message is de-duplicated by: its `id` tag (PRIVMSG, USERNOTICE), or what names a
/// moderation action (CLEARMSG's target, CLEARCHAT's user and time). `None`: never a repeat.
pub fn dedup_key(m: &IrcMessage<'_>) -> Option<DedupKey> {
    let id = match m.command {
        "PRIVMSG" | "USERNOTICE" => m.tag_nonempty("id")?.into_owned(),
        "CLEARMSG" => format!("clearmsg/{}", m.tag_nonempty("target-msg-id")?),
        "CLEARCHAT" => format!(
            "clearchat/{}/{}",
            m.tag("target-user-id").unwrap_or_default(),
            m.tag_nonempty("tmi-sent-ts")?
        ),
        _ => return None,
    };
    Some(DedupKey::Message(MsgId::parse(&id)))
}

/// Counts by key; past `GIFTS_HELD` keys the oldest is forgotten.
#[derive(Debug, Default)]
struct HeldCounts {
    counts: HashMap<String, u32>,
    order: VecDeque<String>,
}

impl HeldCounts {
    fn entry(&mut self, key: &str) -> &mut u32 {
        if !self.counts.contains_key(key) {
            self.order.push_back(key.to_string());
            while self.order.len() > GIFTS_HELD {
                if let Some(old) = self.order.pop_front() {
                    self.counts.remove(&old);
                }
            }
        }
        self.counts.entry(key.to_string()).or_insert(0)
    }

    fn take(&mut self, key: &str) -> Option<u32> {
        self.order.retain(|k| k != key);
        self.counts.remove(key)
    }
}

/// Folds the per-recipient lines of a mass gift into the one announcement.
#[derive(Debug, Default)]
pub struct GiftFolder {
    /// Parts still to come of each announced mass gift.
    open: HeldCounts,
    /// Parts of a mass gift (by its gift id) counted before its announcement came.
    early: HeldCounts,
}

impl GiftFolder {
    /// A mass gift of `count` was announced: that many single gifts are its parts. Returns
    /// how many of its subs are still to count (parts that came first were counted as they
    /// came).
    pub fn announce(&mut self, key: &str, count: u32) -> u32 {
        let left = count - self.early.take(key).unwrap_or(0).min(count);
        if left > 0 {
            *self.open.entry(key) = left;
        }
        left
    }

    /// True when a single gift belongs to an announced mass gift (it is not counted again).
    pub fn absorb(&mut self, key: &str) -> bool {
        let Some(left) = self.open.counts.get_mut(key) else {
            // Counted now; its announcement, if it comes, counts the rest only. By gift id
            // alone: a gifter's own single gifts before a bomb are gifts of their own.
            if key.starts_with("id:") {
                *self.early.entry(key) += 1;
            }
            return false;
        };
        *left -= 1;
        if *left == 0 {
            self.open.take(key);
        }
        true
    }
}

#[derive(Debug, Default)]
pub struct Mapper {
    gifts: GiftFolder,
    /// The chat modes from the last ROOMSTATE (None before the first).
    modes: Option<HashMap<String, String>>,
}

const MODE_TAGS: [&str; 5] = ["emote-only", "followers-only", "r9k", "slow", "subs-only"];

impl Mapper {
    pub fn new() -> Mapper {
        Mapper::default()
    }

    /// Appends the events `m` stands for (none for protocol and unknown messages). An error
    /// names a message that claims to be chat but cannot be read.
    pub fn map(&mut self, m: &IrcMessage<'_>, out: &mut Vec<Event>) -> Result<(), String> {
        match m.command {
            "PRIVMSG" => privmsg(m, out),
            "USERNOTICE" => {
                self.usernotice(m, out);
                Ok(())
            }
            "CLEARMSG" => {
                if let Some(id) = m.tag_nonempty("target-msg-id") {
                    let message_id = MsgId::parse(&id);
                    out.push(Event::MessageDeleted { message_id });
                }
                Ok(())
            }
            "CLEARCHAT" => {
                // Without a user it clears the whole chat: nothing to count.
                if let Some(user) = m.param(1).filter(|u| !u.is_empty()) {
                    let secs = m.tag_u64("ban-duration");
                    out.push(Event::Ban {
                        username: user.to_string(),
                        permanent: secs.is_none(),
                        duration_min: secs.map(|s| s.div_ceil(60).min(u32::MAX as u64) as u32),
                    });
                }
                Ok(())
            }
            "ROOMSTATE" => {
                self.roomstate(m, out);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn usernotice(&mut self, m: &IrcMessage<'_>, out: &mut Vec<Event>) {
        let Some(kind) = m.tag("msg-id") else { return };
        let num = |k: &str| m.tag_u64(k).map(|v| v.min(u32::MAX as u64) as u32);
        let user = || notice_user(m);
        match kind.as_ref() {
            "sub" | "resub" => out.push(Event::Subscription {
                username: user(),
                months: num("msg-param-cumulative-months").unwrap_or(1).max(1),
            }),
            "subgift" | "anonsubgift" => {
                let gifter = gifter(m, &kind);
                let key = fold_key(m, &gifter);
                if !self.gifts.absorb(&key) {
                    out.push(Event::GiftedSubs { gifter, count: 1 });
                }
            }
            "submysterygift" | "anonsubmysterygift" => {
                let gifter = gifter(m, &kind);
                // 0 is garbage, as are 50,000 and an unreadable count: the core refuses it
                // (counted as malformed). Only a missing count is a gift of one.
                let count = m
                    .tag_nonempty("msg-param-mass-gift-count")
                    .map_or(1, |c| c.trim().parse::<u32>().unwrap_or(u32::MAX));
                let key = fold_key(m, &gifter);
                let event = Event::GiftedSubs {
                    gifter: gifter.clone(),
                    count,
                };
                // One the core refuses as garbage must not swallow the gifter's real gifts.
                if !event.is_plausible() {
                    out.push(event);
                    return;
                }
                // Its parts usually follow it; any that came first were counted already.
                let count = self.gifts.announce(&key, count);
                if count > 0 {
                    out.push(Event::GiftedSubs { gifter, count });
                }
            }
            "raid" => out.push(Event::Raid {
                from: m
                    .tag_nonempty("msg-param-displayName")
                    .or_else(|| m.tag_nonempty("msg-param-login"))
                    .map_or_else(user, |s| s.into_owned()),
                viewers: num("msg-param-viewerCount").unwrap_or(0),
            }),
            // giftpaidupgrade, ritual, announcement, bitsbadgetier and whatever comes next.
            _ => {}
        }
    }

    fn roomstate(&mut self, m: &IrcMessage<'_>, out: &mut Vec<Event>) {
        let modes = self.modes.get_or_insert_with(HashMap::new);
        let first = modes.is_empty();
        let mut changed = false;
        for key in MODE_TAGS {
            if let Some(v) = m.tag(key) {
                let old = modes.insert(key.to_string(), v.into_owned());
                changed |= !first && old.as_deref() != modes.get(key).map(String::as_str);
            }
        }
        if changed {
            out.push(Event::ChatModeChanged);
        }
    }
}

/// A mass gift's parts carry its `msg-param-community-gift-id`; without one (older exports)
/// the gifter's name stands in.
fn fold_key(m: &IrcMessage<'_>, gifter: &str) -> String {
    match m.tag_nonempty("msg-param-community-gift-id") {
        Some(id) => format!("id:{id}"),
        None => format!("by:{}", gifter.to_ascii_lowercase()),
    }
}

fn gifter(m: &IrcMessage<'_>, kind: &str) -> String {
    // Twitch also sends anonymous gifts as plain `subgift`s from its own account.
    let anonymous_account = m
        .tag_nonempty("login")
        .is_some_and(|l| l.eq_ignore_ascii_case(ANONYMOUS_GIFTER_LOGIN));
    if kind.starts_with("anon") || anonymous_account {
        ANONYMOUS_GIFTER.into()
    } else {
        notice_user(m)
    }
}

/// The acting user of a USERNOTICE: display name, else login.
fn notice_user(m: &IrcMessage<'_>) -> String {
    let login = m.tag_nonempty("login");
    pick_name(m.tag_nonempty("display-name").as_deref(), login.as_deref())
}

/// The display name when it is the login with other capitals (what chat shows), else the
/// login (localized display names do not match bot lists).
fn pick_name(display: Option<&str>, login: Option<&str>) -> String {
    match (display, login) {
        (Some(d), Some(l)) if d.eq_ignore_ascii_case(l) => d.to_string(),
        (_, Some(l)) => l.to_string(),
        (Some(d), None) => d.to_string(),
        (None, None) => String::new(),
    }
}

fn privmsg(m: &IrcMessage<'_>, out: &mut Vec<Event>) -> Result<(), String> {
    let (Some(_channel), Some(raw)) = (m.param(0), m.param(1)) else {
        return Err("a PRIVMSG without a channel or text".into());
    };
    let text = raw
        .strip_prefix("\u{1}ACTION ")
        .map(|t| t.strip_suffix('\u{1}').unwrap_or(t))
        .unwrap_or(raw);
    let login = m.nick().filter(|n| !n.is_empty());
    let username = pick_name(m.tag_nonempty("display-name").as_deref(), login);
    if username.is_empty() {
        return Err("a PRIVMSG without a sender".into());
    }
    let mut badges = Badges::default();
    if let Some(list) = m.tag("badges") {
        for b in list.split(',') {
            badges.insert(twitch_badge(b.split('/').next().unwrap_or("")));
        }
    }
    if m.tag("mod").as_deref() == Some("1") {
        badges.insert(Badges::MODERATOR);
    }
    let emotes = m
        .tag_nonempty("emotes")
        .map(|e| parse_emotes(&e, text))
        .unwrap_or_default();
    // Shared Chat: a cheer in a partner's channel (its `source-room-id` another room) is that
    // channel's money, not this one's. Its chat is still this chat's.
    let partners = match (m.tag_nonempty("source-room-id"), m.tag_nonempty("room-id")) {
        (Some(source), Some(room)) => source != room,
        _ => false,
    };
    // Unreadable bits (a number past u64) are garbage the core refuses, not no bits.
    let bits = m
        .tag_nonempty("bits")
        .map(|b| b.trim().parse::<u64>().unwrap_or(u64::MAX))
        .filter(|b| *b > 0 && !partners);
    out.push(Event::Chat(ChatMessage {
        id: m.tag_nonempty("id").map(|id| MsgId::parse(&id)),
        user_id: m
            .tag_u64("user-id")
            .unwrap_or_else(|| hash_str(&username.to_ascii_lowercase())),
        username: username.clone(),
        badges,
        text: text.to_string(),
        emotes,
        is_reply: m.tag_nonempty("reply-parent-msg-id").is_some(),
    }));
    if let Some(amount) = bits {
        let amount = amount.min(u32::MAX as u64) as u32;
        out.push(Event::Bits { username, amount });
    }
    Ok(())
}

/// Twitch's badge set names, where they differ from the shared ones.
fn twitch_badge(name: &str) -> Badges {
    match name {
        "partner" => Badges::VERIFIED,
        "sub-gifter" | "sub-gift-leader" => Badges::SUB_GIFTER,
        "admin" | "global_mod" => Badges::STAFF,
        other => Badges::from_name(other),
    }
}

/// `25:0-4,12-16/emotesv2_abc:6-10`: inclusive code-point ranges → byte ranges of `text`.
/// Ranges outside the text are skipped; the result is in text order.
pub fn parse_emotes(tag: &str, text: &str) -> Vec<EmoteRef> {
    let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let mut out = Vec::new();
    for spec in tag.split('/') {
        let Some((id, ranges)) = spec.split_once(':') else {
            continue;
        };
        let id = id.parse::<u64>().unwrap_or_else(|_| hash_str(id));
        for r in ranges.split(',') {
            let Some((a, b)) = r.split_once('-') else {
                continue;
            };
            let (Ok(a), Ok(b)) = (a.parse::<usize>(), b.parse::<usize>()) else {
                continue;
            };
            if a > b || b >= starts.len() {
                continue;
            }
            let end = starts.get(b + 1).copied().unwrap_or(text.len());
            out.push(EmoteRef {
                id,
                name_start: starts[a] as u32,
                name_end: end as u32,
            });
        }
    }
    out.sort_by_key(|e| e.name_start);
    out
}

#[cfg(test)]
#[path = "map_tests.rs"]
mod tests;
