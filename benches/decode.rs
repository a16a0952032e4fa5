//! Decode throughput on realistic chat frames (kick-protocol.md §2.1, about 780 bytes each).
//! Run: `cargo bench --bench decode` (release profile). Prints frames/s for both decoders.

use std::hint::black_box;
use std::time::Instant;

use kicktui::source::kick::{Frame, decode_frame, decode_frame_fast, decode_frame_typed};

const N: usize = 200_000;
const RUNS: usize = 7;

/// xorshift64*: deterministic frames without a dev-dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "CLIP",
    "THAT",
    "lol",
    "no",
    "way",
    "W",
    "L",
    "bro",
    "what",
    "is",
    "this",
    "chat",
    "GG",
    "insane",
    "😂",
    "ما",
    "اعلنو",
    "めちゃすごかった",
    "passa",
    "pra",
    "cá",
    "[emote:37226:KEKW]",
    "[emote:37232:PeepoClap][emote:37232:PeepoClap]",
    "\\\\\\\"quoted\\\\\\\"",
    "https:\\\\/\\\\/kick.com",
];
const BADGES: &[&str] = &[
    "",
    "",
    "",
    "",
    r#"{\"type\":\"subscriber\",\"text\":\"Subscriber\",\"count\":14,\"sort_order\":9}"#,
    r#"{\"type\":\"moderator\",\"text\":\"Moderator\",\"sort_order\":12},{\"type\":\"vip\",\"text\":\"VIP\",\"sort_order\":5},{\"type\":\"og\",\"text\":\"OG\",\"sort_order\":7},{\"type\":\"subscriber\",\"text\":\"Subscriber\",\"count\":24,\"sort_order\":9}"#,
];
const BADGE_V2: &str = r#"{\"name\":\"level\",\"badge_type\":\"global\",\"image_url\":\"https:\\/\\/ext.cdn.kick.com\\/chat\\/badges\\/23_9d2886b2-cddf-410f-9af5-424c72d7d4a9.png\",\"metadata\":{\"level\":23},\"selected\":true,\"sort_order\":1}"#;
const BADGE_V2_EXTRA: &str = r#"{\"name\":\"rs_ags_blade\",\"badge_type\":\"global\",\"image_url\":\"https:\\/\\/ext.cdn.kick.com\\/chat\\/badges\\/rs_ags_blade_26f41c3c-aa8e-45da-af95-7c20633cd010.png\",\"selected\":true,\"sort_order\":4},"#;

fn frame(rng: &mut Rng, i: usize) -> String {
    let words = 1 + rng.next() % 6;
    let content: Vec<&str> = (0..words).map(|_| rng.pick(WORDS)).collect();
    let content = content.join(" ");
    let user = format!(
        "{}{}",
        rng.pick(&["Viewer", "kajjju", "UTAMARO", "speedy_iq", "Ünïcode"]),
        rng.next() % 100_000
    );
    let reply = rng.next().is_multiple_of(16);
    let metadata = if reply {
        r#"{\"original_sender\":{\"id\":68516138,\"username\":\"z3anef\"},\"original_message\":{\"id\":\"43e49b48-935b-436a-8c8c-36df5f109852\",\"content\":\"in the event\"},\"message_ref\":\"1790525516261\"},\"thread_parent_id\":\"87dd2a49-685d-4f7f-88e6-065baf61f4ad\""#.to_owned()
    } else {
        format!(
            r#"{{\"message_ref\":\"17905255{:05}\"}}"#,
            rng.next() % 100_000
        )
    };
    let extra = if rng.next().is_multiple_of(10) {
        BADGE_V2_EXTRA
    } else {
        ""
    };
    format!(
        r##"{{"event":"App\\Events\\ChatMessageEvent","data":"{{\"id\":\"{:08x}-8798-4a5e-b288-{:012x}\",\"chatroom_id\":5976096,\"content\":\"{content}\",\"type\":\"{}\",\"created_at\":\"2026-09-27T16:{:02}:{:02}+00:00\",\"sender\":{{\"id\":{},\"username\":\"{user}\",\"slug\":\"{}\",\"identity\":{{\"color\":\"#FFD899\",\"badges\":[{}],\"badges_v2\":[{extra}{BADGE_V2}]}}}},\"metadata\":{metadata}}}","channel":"chatrooms.5976096.v2"}}"##,
        i,
        rng.next() >> 16,
        if reply { "reply" } else { "message" },
        i / 60 % 60,
        i % 60,
        1_000_000 + rng.next() % 100_000_000,
        user.to_lowercase(),
        rng.pick(BADGES),
    )
}

/// Best and median time per frame over `RUNS` passes.
fn measure(name: &str, buf: &str, spans: &[(usize, usize)], decode: fn(&str) -> bool) {
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let mut ok = 0usize;
        for &(a, b) in spans {
            ok += usize::from(black_box(decode(black_box(&buf[a..b]))));
        }
        times.push(start.elapsed().as_secs_f64() / spans.len() as f64);
        assert_eq!(ok, spans.len(), "{name}: every frame decodes");
    }
    times.sort_by(f64::total_cmp);
    let (best, median) = (times[0], times[RUNS / 2]);
    let bytes = spans.iter().map(|(a, b)| b - a).sum::<usize>() as f64 / spans.len() as f64;
    println!(
        "{name:>34}: {:>9.0} frames/s (median {:>9.0})  {:>5.0} ns/frame  {:>5.0} MB/s",
        1.0 / best,
        1.0 / median,
        best * 1e9,
        bytes / best / 1e6
    );
}

fn main() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let frames: Vec<String> = (0..N).map(|i| frame(&mut rng, i)).collect();
    // One contiguous buffer of lines, as a replay file read into memory.
    let buf = frames.join("\n");
    let mut spans = Vec::with_capacity(N);
    let mut at = 0;
    for f in &frames {
        spans.push((at, at + f.len()));
        at += f.len() + 1;
    }
    drop(frames);
    let line = |&(a, b): &(usize, usize)| &buf[a..b];
    let fallbacks = spans
        .iter()
        .map(line)
        .filter(|f| decode_frame_fast(f).is_none())
        .count();
    let mismatches = spans
        .iter()
        .map(line)
        .filter(|f| decode_frame(f).ok() != decode_frame_typed(f).ok())
        .count();
    println!(
        "{N} chat frames, {:.0} bytes each on average; fast-path fallbacks: {fallbacks}; fast/typed mismatches: {mismatches}",
        buf.len() as f64 / N as f64
    );
    assert_eq!(mismatches, 0);
    let fast = |f: &str| matches!(decode_frame(f), Ok(Frame::Event { .. }));
    let typed = |f: &str| matches!(decode_frame_typed(f), Ok(Frame::Event { .. }));
    // Reading every byte once: the memory-bandwidth floor on this machine.
    let touch = |f: &str| f.bytes().map(u64::from).sum::<u64>() > 0;
    measure("decode_frame", &buf, &spans, fast);
    measure("decode_frame_typed", &buf, &spans, typed);
    measure("(sum of every byte)", &buf, &spans, touch);
    // The first 2,000 frames stay in cache: the decoders' own cost without memory stalls.
    let hot = &spans[..2_000];
    for _ in 0..20 {
        black_box(hot.iter().map(line).filter(|f| fast(f)).count());
    }
    measure("decode_frame, in cache", &buf, hot, fast);
    measure("decode_frame_typed, in cache", &buf, hot, typed);
}
