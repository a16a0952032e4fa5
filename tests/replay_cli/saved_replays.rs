//! `replay --save`, then what `moments`, `sessions` and `report` say about the saved session:
//! per channel, with the chat, money and viewers counted as a live run counts them.

use serde_json::Value;

use crate::{kicktui, mixed_log};

#[test]
fn saved_replay_moments_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing stored yet (or a mistyped --data-dir): said, and no empty database is made.
    for args in [&["moments"][..], &["sessions"], &["report", "--last"]] {
        let (_, err, ok) = kicktui(args, dir.path());
        assert!(
            !ok && err.contains("a wrong --data-dir?"),
            "{args:?}: {err}"
        );
    }
    assert!(!dir.path().join("kicktui.db").exists());
    let (log, _) = mixed_log();
    let file = dir.path().join("stream.jsonl");
    std::fs::write(&file, log).unwrap();
    let (replayed, err, ok) = kicktui(
        &[
            "replay",
            file.to_str().unwrap(),
            "--format",
            "json",
            "--save",
        ],
        dir.path(),
    );
    assert!(ok, "{err}");
    assert!(err.contains("saved"), "{err}");
    let n = serde_json::from_str::<Value>(&replayed).unwrap()["moments"]
        .as_array()
        .unwrap()
        .len();

    let (out, err, ok) = kicktui(&["moments", "--format", "json"], dir.path());
    assert!(ok, "{err}");
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(rows.len(), n);
    assert!(
        rows.iter().all(|r| r["session_id"] == 1
            && r["source"] == "auto"
            && r["trigger_data"].is_object()
            // A replay has no recording: nothing is left for `clip --pending`.
            && r["clip_status"] == "no_recording"),
        "{out}"
    );

    let (table, _, ok) = kicktui(&["sessions"], dir.path());
    assert!(ok && table.contains("replay:stream"), "{table}");
    // One channel's, when several share the data dir.
    let (out, err, ok) = kicktui(
        &["moments", "--channel", "replay:Stream", "--format", "json"],
        dir.path(),
    );
    assert!(ok, "{err}");
    assert_eq!(serde_json::from_str::<Vec<Value>>(&out).unwrap().len(), n);
    let (out, _, ok) = kicktui(
        &["moments", "--channel", "clavicular", "--format", "json"],
        dir.path(),
    );
    assert!(
        ok && serde_json::from_str::<Vec<Value>>(&out).unwrap().is_empty(),
        "{out}"
    );
    let (out, err, ok) = kicktui(
        &["sessions", "--channel", "twitch:nobody", "--format", "json"],
        dir.path(),
    );
    assert!(
        ok && serde_json::from_str::<Vec<Value>>(&out).unwrap().is_empty(),
        "{out}"
    );
    // Said why, with the names there are (a typo is not "no moments").
    assert!(
        err.contains("no sessions of twitch:nobody (the channels stored: replay:stream)"),
        "{err}"
    );
    let (_, err, ok) = kicktui(&["report", "--last", "--channel", "clavicular"], dir.path());
    assert!(
        !ok && err.contains("no sessions of kick:clavicular")
            && err.contains("(the channels stored: replay:stream)"),
        "{err}"
    );
    let (_, err, ok) = kicktui(&["moments", "--session", "7"], dir.path());
    assert!(!ok && err.contains("no session 7"), "{err}");
    let (_, err, ok) = kicktui(&["clip", "--pending"], dir.path());
    assert!(ok && err.contains("No pending clips."), "{err}");
    // The report counts the chat it read.
    let chats = serde_json::from_str::<Value>(&replayed).unwrap()["stats"]["chat_messages"]
        .as_u64()
        .unwrap();
    let (report, err, ok) = kicktui(&["report", "--last"], dir.path());
    assert!(ok, "{err}");
    // Counted as a live run counts (the fixture frames hold a bot and a !command).
    let counted: u64 = report
        .lines()
        .find_map(|l| l.strip_prefix("- Chat: "))
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(counted > 400 && counted < chats, "{chats}: {report}");
    // And the money and chatters it held (they said 0 subs, $0, "?" chatters).
    assert!(!report.contains("? unique chatters"), "{report}");
    let revenue = report
        .lines()
        .find(|l| l.starts_with("- Revenue:"))
        .unwrap();
    assert!(!revenue.contains("(0 subs"), "{report}");
}

/// A saved replay's report counts chat as a live run does (no bots, no !commands) and has
/// the viewer samples and the peak rate the log held.
#[test]
fn a_saved_replays_report_counts_chat_and_viewers_like_a_live_run() {
    let dir = tempfile::tempdir().unwrap();
    let base = 1_790_528_400.0_f64;
    let mut lines = Vec::new();
    for s in 0..60 {
        let t = base + s as f64;
        lines.push(format!(
            r#"{{"ts": {t}, "user": "viewer{}", "text": "nice one {s}"}}"#,
            s % 7
        ));
        if s % 4 == 0 {
            lines.push(format!(
                r#"{{"ts": {t}, "user": "viewer{}", "text": "!discord"}}"#,
                s % 5
            ));
            lines.push(format!(
                r#"{{"ts": {t}, "user": "Nightbot", "text": "Join the discord: example"}}"#
            ));
        }
    }
    for (i, count) in [120, 180, 150].iter().enumerate() {
        let t = base + 10.0 + i as f64 * 20.0;
        lines.push(format!(
            r#"{{"ts": {t}, "type": "viewers", "count": {count}}}"#
        ));
    }
    let file = dir.path().join("small.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let (_, err, ok) = kicktui(&["replay", file.to_str().unwrap(), "--save"], dir.path());
    assert!(ok, "{err}");
    let (report, err, ok) = kicktui(&["report", "--last"], dir.path());
    assert!(ok, "{err}");
    assert!(
        report.contains("- Chat: 60 messages counted (no bots or !commands), peak "),
        "{report}"
    );
    assert!(report.contains("- Viewers: peak 180, mean 150"), "{report}");
    // Saved twice: said, both kept.
    let (_, err, ok) = kicktui(&["replay", file.to_str().unwrap(), "--save"], dir.path());
    assert!(ok && err.contains("session 1 holds the same log"), "{err}");
}
