//! `kicktui replay`, `eval`, `moments` and `sessions` through the real binary.

mod cli_errors;
mod clip_pending;
mod eval;
mod replay;
mod saved_replays;

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_kicktui");
const KICK_FRAMES: &str = include_str!("../fixtures/kick/frames.jsonl");

fn kicktui(args: &[&str], data: &Path) -> (String, String, bool) {
    let out = Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("KICKTUI_CONFIG")
        .output()
        .expect("run kicktui");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

/// Every line kind: raw Kick frames, the same wrapped as capture lines, plain lines of every
/// type, a burst that must become a moment, and unreadable lines.
fn mixed_log() -> (String, usize) {
    // After the fixture frames' own times (2026-09-27 16:xx), so the log's clock runs forward.
    let base = 1_790_528_400.0_f64;
    let mut lines: Vec<String> = Vec::new();
    for (i, f) in KICK_FRAMES.lines().enumerate() {
        if i % 2 == 0 {
            lines.push(f.to_string());
        } else {
            let recv = chrono::DateTime::from_timestamp(base as i64 + i as i64, 0)
                .unwrap()
                .to_rfc3339();
            lines.push(format!("{{\"recv\":\"{recv}\",\"frame\":{f}}}"));
        }
    }
    for s in 0..400 {
        lines.push(format!(
            r#"{{"ts": {}, "user": "regular{}", "text": "chatting along {s}"}}"#,
            base + 100.0 + s as f64,
            s % 23
        ));
    }
    for u in 0..30 {
        let t = base + 500.0 + u as f64 * 0.3;
        lines.push(format!(
            r#"{{"ts": {t}, "user": "fan{u}", "text": "CLIP THAT KEKW"}}"#
        ));
    }
    let t = base + 600.0;
    lines.push(format!(r#"{{"ts": {t}, "user": "a", "type": "sub"}}"#));
    lines.push(format!(
        r#"{{"ts": {t}, "user": "b", "type": "gift", "count": 10}}"#
    ));
    lines.push(format!(
        r#"{{"ts": {t}, "user": "c", "type": "donation", "amount": 25}}"#
    ));
    lines.push(format!(
        r#"{{"ts": {t}, "user": "d", "type": "raid", "viewers": 300}}"#
    ));
    lines.push(r#"{"ts": "2026-09-27T17:10:00Z", "type": "viewers", "count": 420}"#.to_string());
    let garbage = [
        "not json at all",
        "{\"ts\": \"soon\", \"text\": \"x\"}",
        "{\"event\": 5}",
        "[]",
    ];
    lines.extend(garbage.iter().map(|g| g.to_string()));
    (lines.join("\n") + "\n", garbage.len())
}
