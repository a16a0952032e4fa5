//! Variants of plain chat logs (`{"ts","user","text"}` lines, as `convert_chat` writes them), to
//! see how detection behaves on chat shaped unlike the labelled logs: Kick's emote tags, a
//! bigger chat, a smaller one. Each reads every `*.jsonl` of IN_DIR and writes the same names
//! to OUT_DIR; event lines (a `"type"` other than chat, as `kicktui replay` reads them: subs,
//! gifts, raids, viewer counts) are kept as they are. The labels do not change: score with
//! `kicktui eval --chat OUT_DIR --labels THE_ORIGINAL_LABELS`.
//!
//! ```sh
//! # well-known global emotes written as Kick tags, back to back as Kick sends them
//! cargo run --release --example chat_variants -- kick-tags IN_DIR OUT_DIR
//! # every message sent by N chatters, the copies up to 1.5 s later: the same shape, N× bigger
//! cargo run --release --example chat_variants -- copies 10 IN_DIR OUT_DIR
//! # a random FRACTION of the messages kept: a smaller channel
//! cargo run --release --example chat_variants -- thin 0.25 IN_DIR OUT_DIR
//! ```
//! Seeded by file name: the same input gives the same output.

use std::fs;
use std::io::Write;
use std::path::Path;

use kicktui::detect::emote_words::{fold_hash, is_global_emote};
use serde_json::Value;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

#[derive(Clone, Copy)]
enum Variant {
    KickTags,
    Copies(u32),
    Thin(f64),
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let variant = match args[..] {
        ["kick-tags", src, out] => Some((Variant::KickTags, src, out)),
        ["copies", n, src, out] => n
            .parse()
            .ok()
            .filter(|n| *n >= 1)
            .map(|n| (Variant::Copies(n), src, out)),
        ["thin", f, src, out] => f
            .parse()
            .ok()
            .filter(|f| (0.0..=1.0).contains(f))
            .map(|f| (Variant::Thin(f), src, out)),
        _ => None,
    };
    let res = match variant {
        Some((v, src, out)) => each_log(v, Path::new(src), Path::new(out)),
        None => Err(
            "usage: chat_variants kick-tags IN_DIR OUT_DIR | copies N IN_DIR OUT_DIR \
                     (N ≥ 1) | thin FRACTION IN_DIR OUT_DIR (0 to 1)"
                .into(),
        ),
    };
    if let Err(e) = res {
        eprintln!("chat_variants: {e}");
        std::process::exit(1);
    }
}

fn each_log(v: Variant, src: &Path, out: &Path) -> Res<()> {
    fs::create_dir_all(out)?;
    let mut logs = 0;
    for entry in fs::read_dir(src)? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("jsonl") {
            continue;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let mut rng = SplitMix(fold_hash(name));
        let mut lines: Vec<(f64, Value)> = Vec::new();
        let mut bad = 0;
        for line in fs::read_to_string(&path)?.lines() {
            match serde_json::from_str::<Value>(line) {
                Ok(m) => vary(v, m, lines.is_empty(), &mut rng, &mut lines),
                Err(_) => bad += 1,
            }
        }
        // Copies land after their original: the log's first event, which label offsets count
        // from, stays where it was.
        lines.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut w = std::io::BufWriter::new(fs::File::create(out.join(name))?);
        for (_, m) in &lines {
            writeln!(w, "{m}")?;
        }
        w.flush()?;
        logs += 1;
        if bad > 0 {
            eprintln!("{name}: {bad} unreadable lines skipped");
        }
    }
    eprintln!("{logs} logs written to {}", out.display());
    Ok(())
}

/// The line `m` as the variant has it, pushed to `out` with its time (none, or several).
/// `first`: the log's first line, which thinning keeps (label offsets count from it).
fn vary(v: Variant, mut m: Value, first: bool, rng: &mut SplitMix, out: &mut Vec<(f64, Value)>) {
    let ts = m["ts"].as_f64().unwrap_or(0.0);
    // The replay format's field: a sub or viewer count copied tenfold would be ten of them.
    let chat = m.get("type").is_none_or(|k| k == "chat");
    if !chat {
        out.push((ts, m));
        return;
    }
    match v {
        Variant::KickTags => {
            if let Some(text) = m["text"].as_str() {
                m["text"] = Value::String(kick_tags(text));
            }
            out.push((ts, m));
        }
        Variant::Copies(n) => {
            let user = m["user"].as_str().unwrap_or("").to_owned();
            for i in 1..n {
                let mut copy = m.clone();
                let at = ts + 1.5 * rng.unit();
                copy["ts"] = at.into();
                copy["user"] = format!("{user}_{i}").into();
                out.push((at, copy));
            }
            out.push((ts, m));
        }
        Variant::Thin(keep) => {
            if rng.unit() < keep || first {
                out.push((ts, m));
            }
        }
    }
}

/// `LUL that was KEKW KEKW` → `[emote:…:LUL] that was [emote:…:KEKW][emote:…:KEKW]`: each
/// global emote as a Kick tag with a made-up id, tags next to each other without a space.
fn kick_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut last_was_tag = false;
    for word in text.split_whitespace() {
        let tag = is_global_emote(word);
        let joins_a_tag = tag && last_was_tag;
        if !out.is_empty() && !joins_a_tag {
            out.push(' ');
        }
        if tag {
            let id = fold_hash(word) % 900_000 + 100_000;
            out.push_str(&format!("[emote:{id}:{word}]"));
        } else {
            out.push_str(word);
        }
        last_was_tag = tag;
    }
    out
}

/// SplitMix64: a few lines instead of a dependency, and the same numbers everywhere.
struct SplitMix(u64);

impl SplitMix {
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_emotes_become_back_to_back_kick_tags() {
        let t = kick_tags("LUL that was KEKW KEKW ok");
        let lul = fold_hash("LUL") % 900_000 + 100_000;
        let kekw = fold_hash("KEKW") % 900_000 + 100_000;
        assert_eq!(
            t,
            format!("[emote:{lul}:LUL] that was [emote:{kekw}:KEKW][emote:{kekw}:KEKW] ok")
        );
        assert_eq!(
            kicktui::domain::emote_tags_as_words(&t),
            "LUL that was KEKW KEKW ok"
        );
    }

    #[test]
    fn copies_come_from_other_chatters_at_or_after_the_original() {
        let mut out = Vec::new();
        let m = serde_json::json!({"ts": 100.0, "user": "a", "text": "gg"});
        vary(Variant::Copies(3), m, true, &mut SplitMix(1), &mut out);
        assert_eq!(out.len(), 3);
        let users: Vec<&str> = out
            .iter()
            .map(|(_, m)| m["user"].as_str().unwrap())
            .collect();
        assert_eq!(users, ["a_1", "a_2", "a"]);
        assert!(out.iter().all(|(t, _)| (100.0..101.5).contains(t)));
        let typed = serde_json::json!({"ts": 6.0, "user": "c", "text": "hi", "type": "chat"});
        let mut chat = Vec::new();
        vary(Variant::Copies(3), typed, true, &mut SplitMix(1), &mut chat);
        assert_eq!(chat.len(), 3, "a line typed chat is chat");
        // As `kicktui replay` reads them (assets/demo-chat.jsonl has such lines).
        for event in [
            serde_json::json!({"ts": 5.0, "user": "b", "type": "sub"}),
            serde_json::json!({"ts": 5.0, "type": "viewers", "count": 42}),
        ] {
            let mut events = Vec::new();
            vary(
                Variant::Copies(3),
                event.clone(),
                false,
                &mut SplitMix(1),
                &mut events,
            );
            assert_eq!(events.len(), 1, "events are not copied: {event}");
            assert_eq!(events[0].1, event, "nor changed");
            let mut kept = Vec::new();
            let mut rng = SplitMix(1);
            for _ in 0..20 {
                vary(
                    Variant::Thin(0.1),
                    event.clone(),
                    false,
                    &mut rng,
                    &mut kept,
                );
            }
            assert_eq!(kept.len(), 20, "nor thinned: {event}");
        }
    }

    #[test]
    fn thinning_keeps_the_first_line_and_about_the_fraction() {
        let mut out = Vec::new();
        let mut rng = SplitMix(7);
        for i in 0..10_000 {
            let m = serde_json::json!({"ts": i as f64, "user": "a", "text": "gg"});
            vary(Variant::Thin(0.25), m, i == 0, &mut rng, &mut out);
        }
        assert_eq!(out[0].0, 0.0, "offsets count from the first line");
        assert!((2300..2700).contains(&out.len()), "{}", out.len());
    }
}
