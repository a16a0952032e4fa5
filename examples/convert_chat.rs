//! Converts public chat datasets (a local copy; nothing here downloads) into what `kicktui
//! replay` / `kicktui eval` read: plain lines `{"ts","user","text"}` and labels
//! `{"spans": [[start_s, end_s], ...]}` (seconds from the first chat line).
//!
//! ```sh
//! # Lightor (sfu-db/Lightor_Exp): dataset/<game>/<split>/{chat,labels}
//! cargo run --release --example convert_chat -- lightor DATASET_SPLIT_DIR OUT_DIR
//! # "H:MM:SS text" lines without user names (DennisPing/Twitch-Autoclip chatlogs/)
//! cargo run --release --example convert_chat -- timed-text FILE OUT.jsonl
//! ```
//! Lightor writes `OUT_DIR/chat/<id>.jsonl` and `OUT_DIR/labels/<id>.json`, matched by name
//! as `kicktui eval --chat OUT_DIR/chat --labels OUT_DIR/labels` expects.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::json;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let res = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["lightor", src, out] => lightor(Path::new(src), Path::new(out)),
        ["timed-text", src, out] => timed_text(Path::new(src), Path::new(out)),
        _ => {
            Err("usage: convert_chat lightor SPLIT_DIR OUT_DIR | timed-text FILE OUT.jsonl".into())
        }
    };
    if let Err(e) = res {
        eprintln!("convert_chat: {e}");
        std::process::exit(1);
    }
}

/// `MMM-SS` as seconds.
fn mmm_ss(s: &str) -> Option<f64> {
    let (m, s) = s.trim().split_once('-')?;
    Some(m.parse::<f64>().ok()? * 60.0 + s.parse::<f64>().ok()?)
}

/// One Lightor split: chat files `<id> <start_ms>.csv` (tab-separated, column 6 = ms), label
/// files `<id>.csv` with lines `window start end` (`MMM-SS`, seconds from `start_ms`). A line
/// whose start and end are both `000-00` was a model's guess, not a person's: skipped.
fn lightor(split: &Path, out: &Path) -> Res<()> {
    fs::create_dir_all(out.join("chat"))?;
    fs::create_dir_all(out.join("labels"))?;
    let mut streams = 0;
    for entry in fs::read_dir(split.join("chat"))? {
        let path = entry?.path();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let Some((id, start_ms)) = stem.split_once(' ') else {
            continue;
        };
        let Ok(start_ms) = start_ms.trim().parse::<f64>() else {
            continue;
        };
        let label_path = split.join("labels").join(format!("{id}.csv"));
        let Ok(label_text) = fs::read_to_string(&label_path) else {
            eprintln!("{id}: no labels, skipped");
            continue;
        };
        let raw = fs::read(&path)?;
        let text = String::from_utf8_lossy(&raw);
        let mut lines: Vec<(f64, &str, &str)> = Vec::new();
        let mut bad = 0;
        for line in text.lines() {
            let cols: Vec<&str> = line.trim_end_matches('\r').split('\t').collect();
            match cols.get(5).map(|c| c.trim().parse::<f64>()) {
                Some(Ok(ms)) if cols.len() >= 6 => lines.push((ms / 1000.0, cols[2], cols[3])),
                _ => bad += 1,
            }
        }
        lines.sort_by(|a, b| a.0.total_cmp(&b.0));
        let Some(first) = lines.first().map(|l| l.0) else {
            continue;
        };
        let mut spans = Vec::new();
        for l in label_text.lines() {
            let cols: Vec<&str> = l.split_whitespace().collect();
            if cols.len() < 3 || (cols[1] == "000-00" && cols[2] == "000-00") {
                continue;
            }
            let (Some(s), Some(e)) = (mmm_ss(cols[1]), mmm_ss(cols[2])) else {
                continue;
            };
            let s = s + start_ms / 1000.0 - first;
            spans.push([s, (e + start_ms / 1000.0 - first).max(s)]);
        }
        spans.sort_by(|a, b| a[0].total_cmp(&b[0]));
        let mut w = std::io::BufWriter::new(fs::File::create(
            out.join("chat").join(format!("{id}.jsonl")),
        )?);
        for (ts, user, text) in &lines {
            writeln!(w, "{}", json!({"ts": ts, "user": user, "text": text}))?;
        }
        w.flush()?;
        fs::write(
            out.join("labels").join(format!("{id}.json")),
            json!({ "spans": spans }).to_string(),
        )?;
        streams += 1;
        if bad > 0 {
            eprintln!("{id}: {bad} unreadable lines skipped");
        }
    }
    eprintln!("{streams} streams written to {}", out.display());
    Ok(())
}

/// `H:MM:SS text` lines (no user names): each line gets its own made-up chatter, so unique
/// chatters equal messages there.
fn timed_text(src: &Path, out: &Path) -> Res<()> {
    let text = fs::read_to_string(src)?;
    let mut w = std::io::BufWriter::new(fs::File::create(PathBuf::from(out))?);
    let base = 1_600_000_000.0;
    let mut n = 0u64;
    for line in text.lines() {
        let Some((hms, msg)) = line.split_once(' ') else {
            continue;
        };
        let Some(secs) = kicktui::time::parse_hms(hms) else {
            continue;
        };
        n += 1;
        writeln!(
            w,
            "{}",
            json!({"ts": base + secs, "user": format!("u{n}"), "text": msg})
        )?;
    }
    w.flush()?;
    eprintln!("{n} lines written to {}", out.display());
    Ok(())
}
