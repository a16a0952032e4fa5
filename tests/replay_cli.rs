//! `kicktui replay`, `eval`, `moments` and `sessions` through the real binary.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_kicktui");
const KICK_FRAMES: &str = include_str!("fixtures/kick/frames.jsonl");

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

/// A data dir with the mixed log replayed and saved (an ended session with moments), and a
/// connection to its database.
fn saved_replay() -> (tempfile::TempDir, rusqlite::Connection) {
    let dir = tempfile::tempdir().unwrap();
    let (log, _) = mixed_log();
    let file = dir.path().join("stream.jsonl");
    std::fs::write(&file, log).unwrap();
    let (_, err, ok) = kicktui(&["replay", file.to_str().unwrap(), "--save"], dir.path());
    assert!(ok, "{err}");
    let db = rusqlite::Connection::open(dir.path().join("kicktui.db")).unwrap();
    (dir, db)
}

/// A moment of an ended stream whose window no recording covers (a gap while the disk was
/// full), pending (or failed, with `--failed`), is marked `no_recording` once, not retried by every `clip --pending` (whose exit
/// code a cron job checks). A part that is missing may come back (a disk not mounted): its
/// moments stay pending, and the run fails saying so.
#[test]
fn clip_pending_gives_up_on_a_window_never_recorded() {
    let (dir, db) = saved_replay();
    // The only part holds the first 5 s (its sidecar says so); moments from 0:00:05 on have
    // nothing.
    let part = dir.path().join("recordings/part1.ts");
    std::fs::create_dir_all(part.parent().unwrap()).unwrap();
    std::fs::write(&part, b"ts").unwrap();
    std::fs::write(
        dir.path().join("recordings/part1.ts.json"),
        r#"{"content_s": 5.0, "lead_s": 0.0, "target_duration": 2.0}"#,
    )
    .unwrap();
    let insert_part = |path: &std::path::Path| {
        db.execute_batch(&format!(
            "DELETE FROM recordings;
             INSERT INTO recordings (session_id, part, path, started_at, ended_at, status,
                 first_byte_at)
             SELECT id, 1, '{}', started_at, started_at, 'done', started_at FROM sessions;",
            path.display()
        ))
        .unwrap();
    };
    db.execute_batch(
        "DELETE FROM moments WHERE clip_start_offset_s < 5;
         UPDATE moments SET clip_status = 'pending';",
    )
    .unwrap();
    let moments: i64 = db
        .query_row("SELECT count(*) FROM moments", [], |r| r.get(0))
        .unwrap();
    assert!(moments > 0);
    let pending = "SELECT count(*) FROM moments WHERE clip_status = 'pending'";

    insert_part(&dir.path().join("recordings/unmounted.ts"));
    let (_, err, ok) = kicktui(&["clip", "--pending"], dir.path());
    assert!(!ok && err.contains("unmounted.ts is missing"), "{err}");
    let left: i64 = db.query_row(pending, [], |r| r.get(0)).unwrap();
    assert_eq!(left, moments, "a missing part may come back: {err}");

    // Failed clips (a full disk fails every one left) are left alone, unless asked for.
    db.execute_batch("UPDATE moments SET clip_status = 'failed';")
        .unwrap();
    insert_part(&part);
    let (_, err, ok) = kicktui(&["clip", "--pending"], dir.path());
    assert!(ok && err.contains("No pending clips."), "{err}");
    let (_, err, ok) = kicktui(&["clip", "--pending", "--failed"], dir.path());
    assert!(ok, "{err}");
    assert!(
        err.contains("no recording of session 1 covers")
            && err.contains("(recorded: 0:00:00–0:00:05)")
            && err.contains("marked no_recording")
            && err.contains(&format!(
                "0 of {moments} pending clips cut; {moments} not recorded"
            )),
        "{err}"
    );
    let left: i64 = db.query_row(pending, [], |r| r.get(0)).unwrap();
    assert_eq!(left, 0);
    let (_, err, ok) = kicktui(&["clip", "--pending"], dir.path());
    assert!(ok && err.contains("No pending clips."), "{err}");
}

/// A report a full disk or a kill kept from being written is owed: `clip --pending` (like the
/// channel's next start) writes it once.
#[test]
fn clip_pending_writes_a_report_that_was_never_saved() {
    let (dir, db) = saved_replay();
    db.execute("UPDATE sessions SET report_owed = 1", [])
        .unwrap();

    let (_, err, ok) = kicktui(&["clip", "--pending"], dir.path());
    assert!(ok && err.contains("report saved: "), "{err}");
    let path = err
        .lines()
        .find_map(|l| l.strip_prefix("report saved: "))
        .unwrap();
    let md = std::fs::read_to_string(path).unwrap();
    assert!(
        md.starts_with("# Stream report: replay:stream (session 1)"),
        "{md}"
    );
    let owed: i64 = db
        .query_row("SELECT sum(report_owed) FROM sessions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(owed, 0);
    let (_, err, ok) = kicktui(&["clip", "--pending"], dir.path());
    assert!(ok && !err.contains("report"), "written once: {err}");
}

#[test]
fn eval_scores_the_demo_log() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let chat = format!("{root}/assets/demo-chat.jsonl");
    let labels = format!("{root}/assets/demo-labels.json");
    let (out, err, ok) = kicktui(
        &[
            "eval", "--chat", &chat, "--labels", &labels, "--format", "json",
        ],
        dir.path(),
    );
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert!(v["highlights"].as_u64().unwrap() > 0);
    assert!(v["precision"].as_f64().unwrap() > 0.5, "{v}");
}

#[test]
fn eval_scores_a_stream_once_and_a_highlight_once() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let (chats, labels) = (dir.path().join("chats"), dir.path().join("labels"));
    std::fs::create_dir_all(&chats).unwrap();
    std::fs::create_dir_all(&labels).unwrap();
    let demo = std::fs::read_to_string(format!("{root}/assets/demo-chat.jsonl")).unwrap();
    // A log and a copy of it under the same name; labels saved with a byte-order mark and
    // one highlight labelled twice.
    std::fs::write(chats.join("d.jsonl"), &demo).unwrap();
    std::fs::write(chats.join("d.txt"), &demo).unwrap();
    let spans = "\u{feff}{\"spans\": [[540.967, 561.529], [540.967, 561.529], [628.602, 647.831]]}";
    std::fs::write(labels.join("d.json"), spans).unwrap();
    let (c, l) = (chats.to_str().unwrap(), labels.to_str().unwrap());
    let (out, err, ok) = kicktui(
        &["eval", "--chat", c, "--labels", l, "--format", "json"],
        dir.path(),
    );
    assert!(ok, "{err}");
    assert!(err.contains("two chat logs named d"), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["streams"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["pooled"]["highlights"], 2, "{v}");
}

#[test]
fn eval_says_what_it_could_not_read_and_scores_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let (chats, labels) = (dir.path().join("chats"), dir.path().join("labels"));
    std::fs::create_dir_all(&chats).unwrap();
    std::fs::create_dir_all(&labels).unwrap();
    let demo = std::fs::read_to_string(format!("{root}/assets/demo-chat.jsonl")).unwrap();
    std::fs::write(chats.join("a.jsonl"), format!("not json\n{demo}")).unwrap();
    std::fs::write(chats.join("README.txt"), "my streams\n").unwrap();
    // A label file with a reversed span: skipped with its reason, the others scored.
    std::fs::write(chats.join("b.jsonl"), &demo).unwrap();
    std::fs::write(labels.join("b.json"), r#"{"spans": [[30, 10]]}"#).unwrap();
    let spans = std::fs::read_to_string(format!("{root}/assets/demo-labels.json")).unwrap();
    for name in ["a.json", "README.json", "orphan.json"] {
        std::fs::write(labels.join(name), &spans).unwrap();
    }
    let (c, l) = (chats.to_str().unwrap(), labels.to_str().unwrap());
    let (out, err, ok) = kicktui(&["eval", "--chat", c, "--labels", l], dir.path());
    assert!(ok, "{err}");
    assert!(
        out.contains("pooled (1 stream)"),
        "the file that is no chat log is not scored: {out}"
    );
    assert!(
        err.contains("a.jsonl: 1 of") && err.contains("unreadable"),
        "{err}"
    );
    assert!(
        err.contains("README.txt: no chat line could be read"),
        "{err}"
    );
    assert!(
        err.contains("no chat log of the same name") && err.contains("orphan"),
        "{err}"
    );
    assert!(
        err.contains("b.json: ")
            && err.contains("end 10 is before start 30")
            && err.contains("b.jsonl skipped"),
        "{err}"
    );
    // The pool says it is short, and a script sees which logs are missing from it and why.
    assert!(out.contains("not in the pool: 2 files"), "{out}");
    assert!(
        out.contains("README.txt: no chat line could be read"),
        "{out}"
    );
    let (out, _, _) = kicktui(
        &["eval", "--chat", c, "--labels", l, "--format", "json"],
        dir.path(),
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    let skipped = v["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 2, "{v}");
    assert!(skipped[0]["file"].as_str().unwrap().ends_with("README.txt"));
    assert!(
        skipped[1]["why"]
            .as_str()
            .unwrap()
            .contains("end 10 is before start 30")
    );
    // One file: the same, and a log with nothing readable fails.
    let a = chats.join("a.jsonl");
    let (_, err, ok) = kicktui(
        &["eval", "--chat", a.to_str().unwrap(), "--labels", l],
        dir.path(),
    );
    assert!(!ok && err.contains("--chat must be one too"), "{err}");
    let a_label = labels.join("a.json");
    let (_, err, ok) = kicktui(
        &[
            "eval",
            "--chat",
            a.to_str().unwrap(),
            "--labels",
            a_label.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(ok && err.contains("1 of"), "{err}");
    let readme = chats.join("README.txt");
    let (_, err, ok) = kicktui(
        &[
            "eval",
            "--chat",
            readme.to_str().unwrap(),
            "--labels",
            a_label.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(!ok && err.contains("no chat line could be read"), "{err}");
    let (_, err, ok) = kicktui(&["eval", "--chat", "nope", "--labels", l], dir.path());
    assert!(!ok && err.contains("cannot open nope"), "{err}");
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
fn a_bad_config_is_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bad.toml");
    std::fs::write(&cfg, "[velocity]\nthreshhold = 5\n").unwrap();
    let (_, err, ok) = kicktui(
        &["replay", "x.jsonl", "--config", cfg.to_str().unwrap()],
        dir.path(),
    );
    assert!(!ok);
    assert!(
        err.contains("bad.toml") && err.contains("velocity.threshhold") && err.contains("expected"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn output_piped_into_head_ends_quietly() {
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo-chat.jsonl");
    let mut child = Command::new(BIN)
        .args(["replay", demo, "--format", "json"])
        .env_remove("KICKTUI_CONFIG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The reader is gone before the output comes (as `| head -c 0` would be).
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !err.contains("panicked"), "{err}");
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

/// Settings that came from the environment are named as such in errors, and a data dir that
/// is a file is called one (not "nothing recorded there yet").
#[test]
fn errors_name_the_environment_and_a_data_dir_that_is_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "x").unwrap();
    let (_, err, ok) = kicktui(&["sessions"], &file);
    assert!(!ok && err.contains("is a file, not a directory"), "{err}");
    let out = Command::new(BIN)
        .arg("sessions")
        .env("KICKTUI_CONFIG", dir.path().join("missing.toml"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("missing.toml (from $KICKTUI_CONFIG)"),
        "{err}"
    );
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

/// A channel tried once (offline: an empty database), then the demo: the lists point at the
/// demo's data instead of saying only "No sessions."
#[test]
fn an_empty_database_beside_the_demos_points_at_it() {
    let dir = tempfile::tempdir().unwrap();
    for d in [dir.path().to_path_buf(), dir.path().join("demo")] {
        std::fs::create_dir_all(&d).unwrap();
        kicktui::store::Store::open(&kicktui::store::db_path(&d)).unwrap();
    }
    let (out, err, ok) = kicktui(&["sessions"], dir.path());
    assert!(ok && out.contains("No sessions."), "{out}");
    assert!(
        err.contains("nothing is stored here yet; the demo's is in"),
        "{err}"
    );
    let (_, err, ok) = kicktui(&["report", "--last"], dir.path());
    assert!(!ok && err.contains("the demo's is in"), "{err}");
}

/// A folder where the user's config file goes is an error naming it, not the defaults.
#[test]
fn a_folder_in_place_of_the_users_config_is_an_error() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".config/kicktui/config.toml")).unwrap();
    let out = Command::new(BIN)
        .args(["sessions", "--data-dir"])
        .arg(home.path().join("data"))
        .env("HOME", home.path())
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("KICKTUI_CONFIG")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("kicktui/config.toml (cannot be read)"),
        "{err}"
    );
}
