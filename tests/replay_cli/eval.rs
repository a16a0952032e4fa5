//! `kicktui eval`: the demo log scored, a stream and a highlight counted once, and what it could
//! not read said while the rest is scored.

use serde_json::Value;

use crate::kicktui;

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
