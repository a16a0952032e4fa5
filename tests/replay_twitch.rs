//! `kicktui replay` on Twitch chat exports (TwitchDownloader JSON, chat-downloader JSON and
//! JSONL), auto-detected, through the real binary.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_kicktui");
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/twitch");

/// The fixtures are minutes long, less than the peak model's history: the rule detectors
/// (velocity, keywords, emotes) judge them.
fn replay_json(file: &str, data: &Path) -> Value {
    let config = data.join("rules.toml");
    std::fs::write(&config, "[peaks]\nenabled = false\n").expect("write config");
    let out = Command::new(BIN)
        .args(["replay", &format!("{FIXTURES}/{file}"), "--format", "json"])
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(data)
        .env_remove("KICKTUI_CONFIG")
        .output()
        .expect("run kicktui");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document")
}

fn has_keyword_moment(v: &Value) -> bool {
    v["moments"].as_array().is_some_and(|ms| {
        ms.iter().any(|m| {
            m["triggers"]
                .as_array()
                .is_some_and(|ts| ts.iter().any(|t| t["type"] == "keyword"))
        })
    })
}

#[test]
fn twitchdownloader_json_replays_with_bits_and_errors_counted() {
    let dir = tempfile::tempdir().unwrap();
    let v = replay_json("twitchdownloader.json", dir.path());
    let s = &v["stats"];
    // 132 comments + 2 broken ones.
    assert_eq!(s["lines"], 134, "{s}");
    assert_eq!(s["errors"], 2, "{s}");
    assert_eq!(s["chat_messages"], 132, "{s}");
    assert_eq!(s["events"]["bits"], 1, "{s}");
    assert_eq!(s["first_ts"], "2026-11-20T18:00:00.500Z");
    assert!(has_keyword_moment(&v), "the CLIP THAT burst is a moment");
    let again = replay_json("twitchdownloader.json", dir.path());
    assert_eq!(v, again, "same input, same output");
}

#[test]
fn chat_downloader_array_and_lines_agree() {
    let dir = tempfile::tempdir().unwrap();
    let array = replay_json("chat_downloader.json", dir.path());
    let lines = replay_json("chat_downloader.jsonl", dir.path());
    for v in [&array, &lines] {
        let s = &v["stats"];
        assert_eq!(s["chat_messages"], 132, "{s}");
        assert_eq!(s["events"]["bits"], 1, "{s}");
        assert_eq!(s["events"]["subscription"], 2, "{s}");
        assert_eq!(
            s["events"]["gifted_subs"], 1,
            "a mass gift counts once: {s}"
        );
        assert_eq!(s["events"]["raid"], 1, "{s}");
        assert!(has_keyword_moment(v));
    }
    assert_eq!(array["stats"]["errors"], 1);
    assert_eq!(lines["stats"]["errors"], 2, "plus the cut-off line");
    assert_eq!(array["moments"], lines["moments"]);
}
