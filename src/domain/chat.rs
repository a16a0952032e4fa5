//! A chat message as every source delivers it: sender, badges, emotes, a message id.

use std::borrow::Cow;

/// Chat badges as bits: cheap to copy and test on the hot path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Badges(pub u16);

impl Badges {
    pub const BROADCASTER: Badges = Badges(1);
    pub const MODERATOR: Badges = Badges(1 << 1);
    pub const VIP: Badges = Badges(1 << 2);
    pub const OG: Badges = Badges(1 << 3);
    pub const FOUNDER: Badges = Badges(1 << 4);
    pub const SUBSCRIBER: Badges = Badges(1 << 5);
    pub const SUB_GIFTER: Badges = Badges(1 << 6);
    pub const VERIFIED: Badges = Badges(1 << 7);
    pub const STAFF: Badges = Badges(1 << 8);
    pub const BOT: Badges = Badges(1 << 9);

    /// Maps a Kick/Twitch badge type name; unknown names map to nothing.
    pub fn from_name(name: &str) -> Badges {
        match name {
            "broadcaster" => Self::BROADCASTER,
            "moderator" => Self::MODERATOR,
            "vip" => Self::VIP,
            "og" => Self::OG,
            "founder" => Self::FOUNDER,
            "subscriber" => Self::SUBSCRIBER,
            "sub_gifter" => Self::SUB_GIFTER,
            "verified" => Self::VERIFIED,
            "staff" => Self::STAFF,
            "bot" => Self::BOT,
            _ => Badges(0),
        }
    }

    pub fn contains(self, other: Badges) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    pub fn insert(&mut self, other: Badges) {
        self.0 |= other.0;
    }
}

/// A message id: UUIDs parse exactly, anything else is hashed (ids only need to compare).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MsgId(pub u128);

impl MsgId {
    pub fn parse(s: &str) -> MsgId {
        let mut v: u128 = 0;
        let mut digits = 0;
        for b in s.bytes() {
            if b == b'-' {
                continue;
            }
            let d = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => return MsgId(hash_str(s) as u128 | 1 << 127),
            };
            digits += 1;
            if digits > 32 {
                return MsgId(hash_str(s) as u128 | 1 << 127);
            }
            v = v << 4 | d as u128;
        }
        MsgId(v)
    }
}

/// FNV-1a: a stable 64-bit hash for ids derived from names (stable across runs and builds).
pub fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// An emote inside a chat message: its id and where its name sits in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmoteRef {
    pub id: u64,
    pub name_start: u32,
    pub name_end: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChatMessage {
    pub id: Option<MsgId>,
    pub user_id: u64,
    pub username: String,
    pub badges: Badges,
    /// The text as sent; Kick emotes stay inline as `[emote:ID:NAME]`.
    pub text: String,
    pub emotes: Vec<EmoteRef>,
    pub is_reply: bool,
}

impl ChatMessage {
    pub fn emote_names(&self) -> impl Iterator<Item = &str> {
        self.emotes
            .iter()
            .filter_map(|e| self.text.get(e.name_start as usize..e.name_end as usize))
    }

    /// The text as a person reads it: Kick's `[emote:ID:NAME]` tags become NAME.
    pub fn readable_text(&self) -> String {
        let tags = kick_emotes(&self.text);
        if tags.is_empty() {
            return self.text.clone();
        }
        let mut out = String::with_capacity(self.text.len());
        each_piece(&self.text, &tags, |piece| out.push_str(piece));
        out
    }
}

/// `text` as chat models read it: each Kick `[emote:ID:NAME]` tag is its NAME, a word of its
/// own (tags sit back to back: `[emote:1:A][emote:1:A]` reads `A A`, as typed on Twitch). The
/// peak model was fitted on Twitch chat; read whole, a wall of tags looked like long talk.
/// Borrowed when there is no tag.
pub fn emote_tags_as_words(text: &str) -> Cow<'_, str> {
    if memchr::memmem::find(text.as_bytes(), b"[emote:").is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    each_piece(text, &kick_emotes(text), |piece| push_word(&mut out, piece));
    Cow::Owned(out)
}

/// `text` in order as the text between its Kick emote `tags` and each tag's NAME.
fn each_piece<'t>(text: &'t str, tags: &[EmoteRef], mut piece: impl FnMut(&'t str)) {
    let mut from = 0;
    for e in tags {
        let (name_start, name_end) = (e.name_start as usize, e.name_end as usize);
        let tag_start = text[from..name_start]
            .rfind("[emote:")
            .map_or(from, |i| from + i);
        piece(&text[from..tag_start]);
        piece(&text[name_start..name_end]);
        from = name_end + 1;
    }
    piece(text.get(from..).unwrap_or_default());
}

fn push_word(out: &mut String, piece: &str) {
    let piece = piece.trim();
    if piece.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(piece);
}

/// Parses Kick's inline `[emote:ID:NAME]` tags.
pub fn kick_emotes(text: &str) -> Vec<EmoteRef> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut from = 0;
    // The next `]` found so far: many open tags before one `]` must not each scan to it.
    let mut next_close = 0;
    while let Some(pos) = memchr::memmem::find(&bytes[from..], b"[emote:") {
        let start = from + pos;
        let id_start = start + 7;
        let Some(colon) = memchr::memchr(b':', &bytes[id_start..]) else {
            break;
        };
        let id_end = id_start + colon;
        if next_close < id_end {
            let Some(close) = memchr::memchr(b']', &bytes[id_end..]) else {
                break;
            };
            next_close = id_end + close;
        }
        let name_end = next_close;
        let id_text = &text[id_start..id_end];
        if !id_text.is_empty()
            && id_text.bytes().all(|b| b.is_ascii_digit())
            && name_end > id_end + 1
        {
            out.push(EmoteRef {
                id: id_text.parse().unwrap_or(0),
                name_start: (id_end + 1) as u32,
                name_end: name_end as u32,
            });
            from = name_end + 1;
        } else {
            from = start + 1;
        }
    }
    out
}
