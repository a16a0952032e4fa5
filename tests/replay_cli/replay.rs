//! What `replay` reads and says: every kind of line, byte for byte the same output each run,
//! duplicates dropped, and notes on millisecond offsets, two streams in one log, a capture from
//! before going live, and files with nothing readable.

use serde_json::Value;

use crate::{KICK_FRAMES, kicktui, mixed_log};

/// A chat frame captured three times (a capture across reconnects) counts once, and the
/// report says how many copies it dropped.
#[test]
fn replay_says_how_many_duplicates_it_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let (log, _) = mixed_log();
    let chat = log
        .lines()
        .find(|l| l.contains("ChatMessageEvent"))
        .expect("a chat frame")
        .to_string();
    let file = dir.path().join("dups.jsonl");
    std::fs::write(&file, format!("{log}{chat}\n{chat}\n")).unwrap();
    let f = file.to_str().unwrap();
    let (out, err, ok) = kicktui(&["replay", f, "--format", "json"], dir.path());
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["stats"]["duplicates"], 2, "{}", v["stats"]);
    let (text, err, ok) = kicktui(&["replay", f], dir.path());
    assert!(ok, "{err}");
    assert!(text.contains("2 duplicates dropped"), "{text}");
}

#[test]
fn replay_reads_every_line_kind_and_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let (log, garbage) = mixed_log();
    let file = dir.path().join("mixed.jsonl");
    std::fs::write(&file, log).unwrap();
    let f = file.to_str().unwrap();
    let (out, err, ok) = kicktui(&["replay", f, "--format", "json"], dir.path());
    assert!(ok, "{err}");
    let (again, _, _) = kicktui(&["replay", f, "--format", "json"], dir.path());
    assert_eq!(out, again, "same input, same output, byte for byte");

    let v: Value = serde_json::from_str(&out).unwrap();
    let stats = &v["stats"];
    assert_eq!(stats["errors"], garbage as u64, "{stats}");
    assert_eq!(stats["duplicates"], 0, "{stats}");
    assert!(stats["chat_messages"].as_u64().unwrap() >= 430);
    let events = &stats["events"];
    assert_eq!(
        events["subscription"], 2,
        "one Kick sub (its duplicates ignored) + one plain: {events}"
    );
    for name in [
        "kicks",
        "gifted_subs",
        "raid",
        "donation",
        "viewers",
        "live",
        "offline",
        "ban",
    ] {
        assert!(
            events[name].as_u64().unwrap_or(0) >= 1,
            "{name} missing in {events}"
        );
    }
    assert!(stats["first_ts"].is_string() && stats["last_ts"].is_string());
    let moments = v["moments"].as_array().unwrap();
    let burst = moments
        .iter()
        .find(|m| {
            m["triggers"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["type"] == "keyword")
        })
        .expect("the CLIP THAT burst is a moment");
    for key in [
        "at",
        "offset_s",
        "trigger_type",
        "triggers",
        "score",
        "clip",
    ] {
        assert!(!burst[key].is_null(), "moment lacks {key}: {burst}");
    }
    let clip = &burst["clip"];
    assert!(clip["start_offset_s"].as_f64().unwrap() < burst["offset_s"].as_f64().unwrap());
    assert!(clip["end_offset_s"].as_f64().unwrap() > burst["offset_s"].as_f64().unwrap());
    // The sub, gift, donation and raid at one instant are one moment holding all four.
    let events = moments.last().unwrap();
    let kinds: Vec<&str> = events["triggers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["type"].as_str().unwrap())
        .collect();
    for k in ["raid", "donation", "sub_burst"] {
        assert!(kinds.contains(&k), "{k} not in {kinds:?}");
    }

    let (csv, _, ok) = kicktui(&["replay", f, "--format", "csv"], dir.path());
    assert!(ok && csv.starts_with("at,offset_s,trigger_type"));
    assert_eq!(csv.lines().count(), moments.len() + 1);
    let (text, _, ok) = kicktui(&["replay", f], dir.path());
    assert!(
        ok && text.contains("unreadable") && text.contains("moments"),
        "{text}"
    );
}

#[test]
fn millisecond_offsets_read_as_seconds_get_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("ms.jsonl");
    let lines: Vec<String> = (0..400)
        .map(|i| {
            format!(
                "{{\"ts\": {}, \"user\": \"u{i}\", \"text\": \"hi\"}}",
                i * 1000
            )
        })
        .collect();
    std::fs::write(&log, lines.join("\n")).unwrap();
    let (_, err, ok) = kicktui(&["replay", log.to_str().unwrap()], dir.path());
    assert!(ok && err.contains("milliseconds from 0"), "{err}");
    // Seconds from 0 are fine.
    let lines: Vec<String> = (0..400)
        .map(|i| format!("{{\"ts\": {i}, \"user\": \"u{i}\", \"text\": \"hi\"}}"))
        .collect();
    std::fs::write(&log, lines.join("\n")).unwrap();
    let (_, err, ok) = kicktui(&["replay", log.to_str().unwrap()], dir.path());
    assert!(ok && !err.contains("milliseconds"), "{err}");
}

#[test]
fn a_file_with_nothing_readable_is_said_and_not_saved() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    let (out, err, ok) = kicktui(
        &[
            "replay",
            empty.to_str().unwrap(),
            "--format",
            "json",
            "--save",
        ],
        dir.path(),
    );
    assert!(!ok, "an empty log is not saved as a session: {err}");
    assert!(err.contains("nothing to save"), "{err}");
    assert!(err.contains("empty.jsonl is empty"), "{err}");
    assert!(
        out.contains("\"moments\""),
        "the (empty) result still prints: {out}"
    );
    assert!(
        !dir.path().join("kicktui.db").exists(),
        "no session dated 1970"
    );

    let garbage = dir.path().join("notes.txt");
    std::fs::write(&garbage, "dear diary\nnot json either\n").unwrap();
    let (out, err, ok) = kicktui(&["replay", garbage.to_str().unwrap()], dir.path());
    assert!(!ok && out.is_empty(), "nothing readable fails: {out}");
    assert!(
        err.contains("no line of") && err.contains("is it a chat log?"),
        "{err}"
    );
    let gz = dir.path().join("chat.jsonl.gz");
    std::fs::write(&gz, [0x1f, 0x8b, 8, 0, 0, 0, 0, 0]).unwrap();
    let (_, err, ok) = kicktui(&["replay", gz.to_str().unwrap()], dir.path());
    assert!(!ok && err.contains("gzip-compressed"), "{err}");
}

/// Two streams in one file (a capture that two runs appended to): replay says where the long
/// silence is, since the second stream is judged against the first one's chat.
#[test]
fn a_log_holding_two_streams_gets_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let base = 1_790_528_400.0_f64;
    let mut lines = Vec::new();
    for day in [0.0, 86_400.0] {
        for s in 0..30 {
            let t = base + day + s as f64;
            lines.push(format!(r#"{{"ts": {t}, "user": "u{s}", "text": "hello"}}"#));
        }
    }
    let file = dir.path().join("two.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let (_, err, ok) = kicktui(&["replay", file.to_str().unwrap()], dir.path());
    assert!(ok, "{err}");
    assert!(
        err.contains("nothing happens for 23:59:31") && err.contains("offset 24:00:00"),
        "{err}"
    );
    // One stream: no note.
    std::fs::write(&file, lines[..30].join("\n")).unwrap();
    let (_, err, _) = kicktui(&["replay", file.to_str().unwrap()], dir.path());
    assert!(!err.contains("nothing happens"), "{err}");
}

/// A capture that began before the stream went live: its offsets and the live run's differ
/// by the wait, and replay says by how much (labels written from the live run's clips would
/// all miss otherwise).
#[test]
fn a_capture_from_before_going_live_says_where_the_stream_started() {
    let dir = tempfile::tempdir().unwrap();
    let live = KICK_FRAMES
        .lines()
        .find(|l| l.contains("StreamerIsLive"))
        .unwrap();
    // Chat from 17:59:00, live at 18:00:00 (as received).
    let mut lines: Vec<String> = (0..60)
        .map(|s| {
            format!(
                r#"{{"ts": "2026-09-27T17:59:{s:02}Z", "user": "early{s}", "text": "waiting"}}"#
            )
        })
        .collect();
    lines.push(format!(
        r#"{{"recv": "2026-09-27T18:00:00Z", "frame": {live}}}"#
    ));
    let file = dir.path().join("cap.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let (_, err, ok) = kicktui(&["replay", file.to_str().unwrap()], dir.path());
    assert!(ok, "{err}");
    assert!(
        err.contains("the stream went live at offset 0:01:00"),
        "{err}"
    );
}
