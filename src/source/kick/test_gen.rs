//! Fast path vs typed decoder on the fixtures and on generated chat frames: identical
//! frames, correct fields, and the common shapes really take the fast path. Then hostile
//! input: truncations and byte mutations of every fixture. Nothing may panic, a truncated
//! frame is always an error, and when the typed decoder accepts a mutated frame the fast
//! path must agree with it.

use super::test_fixtures::{FRAMES, MALFORMED};
use super::*;
use crate::domain::Badges;

/// Decodes with both; asserts they agree whenever the fast path answers. True if it did.
fn agree(raw: &str) -> bool {
    let typed = decode_frame_typed(raw);
    let Some(fast) = decode_frame_fast(raw) else {
        return false;
    };
    match typed {
        Ok(t) => assert_eq!(fast, t, "{raw}"),
        Err(e) => panic!("fast path accepted a frame the typed decoder rejects ({e}): {raw}"),
    }
    true
}

#[test]
fn fixtures_agree_and_common_chat_takes_the_fast_path() {
    let (mut fast, mut total) = (0, 0);
    for raw in FRAMES.lines().chain(MALFORMED.lines()) {
        total += 1;
        fast += usize::from(agree(raw));
    }
    // Chat frames with string data and an ISO created_at: all but the unix-seconds one and
    // the object-data one.
    let chats = FRAMES
        .lines()
        .filter(|l| l.contains("ChatMessageEvent"))
        .count();
    assert_eq!(fast, chats - 2, "fast-path frames among {total} fixtures");
    println!("fixtures: {fast} of {total} frames on the fast path ({chats} chat frames)");
}

/// Tiny deterministic PRNG (xorshift64*): no dev-dependency needed.
struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const CONTENTS: &[&str] = &[
    "CLIP THAT",
    "[emote:37226:KEKW][emote:37226:KEKW][emote:1:W]",
    "he said \"clip it\" and left",
    "back\\slash \\\" \\\\ end\\",
    "line\nbreak\ttab\r\u{1}\u{1f}",
    "café ☕ 😀 العربية ともくん",
    "https://kick.com/clips/abc?x=1&y=2",
    "",
    "[emote:12:",
    "}],\"badges\":[{\"type\":\"vip\"}]",
    "\\\"content\\\":\\\"fake\\\"",
    "a very long message that keeps going and going to make the frame larger than usual okay",
];
const USERS: &[&str] = &[
    "SomeViewer",
    "user_with_underscores",
    "Ünicode",
    "q\"uote",
    "x",
];
const BADGES: &[&str] = &[
    "",
    r#"{"type":"subscriber","text":"Subscriber","count":14,"sort_order":9}"#,
    r#"{"type":"moderator","text":"Moderator","sort_order":12},{"type":"vip","text":"VIP","sort_order":5}"#,
    r#"{"type":"new_thing","text":"}{\"type\":\"og\"","active":true,"x":null,"y":false,"n":-3}"#,
    r#"{"type":"bot","text":"Bot"},{"type":"staff","text":"Staff"},{"type":"og","text":"OG"}"#,
];
const CREATED: &[&str] = &[
    r#""2026-09-27T16:11:55+00:00""#,
    r#""2026-09-27T16:12:16.212275837Z""#,
    r#""not a time""#,
    "1790526318",
    "1790526318.5",
    "null",
];
const METADATA: &[&str] = &[
    "",
    r#","metadata":{"message_ref":"1790525515401"}"#,
    r#","metadata":"null""#,
    r#","metadata":"{\"message_ref\":\"1\"}""#,
    r#","metadata":{"original_sender":{"id":9,"username":"Other"},"original_message":{"id":"43e49b48-935b-436a-8c8c-36df5f109852","content":"orig"},"message_ref":"2"},"thread_parent_id":"87dd2a49-685d-4f7f-88e6-065baf61f4ad""#,
];

#[derive(Clone, Copy, PartialEq)]
enum Data {
    Php,
    Plain,
    InnerAscii,
    OuterAscii,
    Object,
}

/// JSON string literal; with `ascii`, non-ASCII as `\uXXXX` (surrogate pairs) like PHP.
fn js(s: &str, ascii: bool) -> String {
    let lit = serde_json::to_string(s).unwrap();
    if !ascii {
        return lit;
    }
    let mut out = String::new();
    for c in lit.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            for u in c.encode_utf16(&mut [0; 2]) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

#[test]
fn generated_chat_frames_agree_and_are_right() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut fast_n, n) = (0, 4000);
    for i in 0..n {
        let content = rng.pick(CONTENTS);
        let user = rng.pick(USERS);
        let badges = rng.pick(BADGES);
        let created = rng.pick(CREATED);
        let metadata = rng.pick(METADATA);
        let reply = rng.next().is_multiple_of(3);
        let mode = rng.pick(&[
            Data::Php,
            Data::Plain,
            Data::InnerAscii,
            Data::OuterAscii,
            Data::Object,
        ]);
        let layout = rng.next() % 4; // 0,1: Kick's order with channel; 2: no channel; 3: channel first
        let id = format!("{:08x}-3a4b-4c5d-9e6f-{:012x}", i, rng.next() >> 16);
        let ascii = mode == Data::InnerAscii;
        let mut inner = format!(
            r##"{{"id":"{id}","chatroom_id":4567890,"content":{},"type":"{}","created_at":{created},"sender":{{"id":{},"username":{},"slug":"s","identity":{{"color":"#E9113C","badges":[{badges}],"badges_v2":[{{"name":"level","badge_type":"global","image_url":"https://ext.cdn.kick.com/chat/badges/23.png","metadata":{{"level":23}},"selected":true,"sort_order":1}}]}}}}{metadata}}}"##,
            js(content, ascii),
            if reply { "reply" } else { "message" },
            1000 + i,
            js(user, ascii),
        );
        if mode == Data::Php {
            inner = inner.replace('/', "\\/");
        }
        let data = match mode {
            Data::Object => inner.clone(),
            Data::OuterAscii => js(&inner, true),
            _ => js(&inner, false),
        };
        let ev = r#""event":"App\\Events\\ChatMessageEvent""#;
        let ch = r#""channel":"chatrooms.4567890.v2""#;
        let raw = match layout {
            2 => format!("{{{ev},\"data\":{data}}}"),
            3 => format!("{{{ch},{ev},\"data\":{data}}}"),
            _ => format!("{{{ev},\"data\":{data},{ch}}}"),
        };
        let expect_fast = created.starts_with('"')
            && layout != 3
            && match mode {
                Data::Object => false,
                Data::OuterAscii => inner.is_ascii(),
                _ => true,
            };
        let took_fast = agree(&raw);
        assert_eq!(took_fast, expect_fast, "{raw}");
        fast_n += usize::from(took_fast);
        let Ok(Frame::Event {
            event: Event::Chat(m),
            key,
            ..
        }) = decode_frame(&raw)
        else {
            panic!("{raw}");
        };
        assert_eq!(
            (m.text.as_str(), m.username.as_str()),
            (content, user),
            "{raw}"
        );
        assert_eq!((m.user_id, m.is_reply), (1000 + i as u64, reply));
        assert_eq!(key, Some(DedupKey::Message(MsgId::parse(&id))));
        let has = |name| badges.contains(&format!(r#""type":"{name}""#));
        for (name, b) in [
            ("subscriber", Badges::SUBSCRIBER),
            ("moderator", Badges::MODERATOR),
            ("vip", Badges::VIP),
            ("bot", Badges::BOT),
            ("og", Badges::OG),
        ] {
            assert_eq!(m.badges.contains(b), has(name), "{name} in {raw}");
        }
    }
    println!("generated: {fast_n} of {n} frames on the fast path");
    assert!(fast_n > n / 5);
}

#[test]
fn every_truncation_is_an_error_on_both_paths() {
    for raw in FRAMES.lines() {
        for n in (0..raw.len()).filter(|&n| raw.is_char_boundary(n)) {
            let cut = &raw[..n];
            assert!(decode_frame_fast(cut).is_none(), "{cut}");
            assert!(decode_frame(cut).is_err(), "{cut}");
        }
    }
    for raw in MALFORMED.lines() {
        for n in (0..raw.len()).filter(|&n| raw.is_char_boundary(n)) {
            let _ = decode_frame(&raw[..n]);
        }
    }
}

/// Bytes that matter to a JSON scanner, plus invalid UTF-8 (made lossy below).
const NASTY: &[u8] = b"\"\\{}[],:0 9-.eEunlt/\x00\x01\x1f\x7f\xc3\xff";

fn mutate(rng: &mut Rng, raw: &str) -> String {
    let mut b = raw.as_bytes().to_vec();
    for _ in 0..1 + rng.next() % 3 {
        if b.is_empty() {
            break;
        }
        let at = (rng.next() % b.len() as u64) as usize;
        match rng.next() % 4 {
            0 | 1 => b[at] = rng.pick(NASTY),
            2 => {
                b.remove(at);
            }
            _ => b.insert(at, rng.pick(NASTY)),
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

#[test]
fn random_mutations_never_panic_nor_disagree() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    let (mut total, mut both_ok, mut lenient) = (0, 0, 0);
    for raw in FRAMES.lines().chain(MALFORMED.lines()) {
        for _ in 0..300 {
            let m = mutate(&mut rng, raw);
            total += 1;
            let typed = decode_frame_typed(&m);
            let fast = decode_frame_fast(&m);
            let _ = decode_frame(&m);
            match (typed, fast) {
                (Ok(t), Some(f)) => {
                    assert_eq!(f, t, "{m}");
                    both_ok += 1;
                }
                // Corruption inside the part the fast path skips (badges_v2, metadata):
                // accepted there, rejected by serde. See fast.rs.
                (Err(_), Some(_)) => lenient += 1,
                _ => {}
            }
        }
    }
    println!("mutations: {total}, fast==typed on {both_ok}, fast-only accepted {lenient}");
    assert!(
        lenient * 50 < total,
        "fast path too lenient: {lenient} of {total}"
    );
}
