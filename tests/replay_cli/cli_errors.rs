//! Errors a user meets before any work: a bad config, settings from the environment, a data dir
//! that is a file, an empty database beside the demo's, a folder in place of the config file;
//! and output piped into `head` that ends quietly.

use std::process::Command;

use crate::{BIN, kicktui};

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

/// `tui-preview` of a log with no chat in it (binary junk, garbage lines, an empty file) says
/// so and why before any screen, as `replay` does; it used to open an empty TUI that only said
/// "end of the chat log".
#[test]
fn a_preview_of_a_log_with_no_chat_says_so_before_any_screen() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.log");
    std::fs::write(&junk, b"hello world\n{\"x\": 1}\n\x00\x01\xff\n").unwrap();
    let (_, err, ok) = kicktui(&["tui-preview", junk.to_str().unwrap()], dir.path());
    assert!(
        !ok && err.contains("no line of") && err.contains("junk.log could be read"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    let (_, err, ok) = kicktui(&["tui-preview", empty.to_str().unwrap()], dir.path());
    assert!(
        !ok && err.contains("empty.jsonl has no chat in it"),
        "{err}"
    );
}

/// `kicktui demo` with a file as its data dir names that file (the demo's data is in a `demo`
/// folder below it, so it used to say "…/notes.txt/demo: Not a directory (os error 20)").
#[test]
fn a_demo_on_a_file_given_as_its_data_dir_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "x").unwrap();
    let (_, err, ok) = kicktui(&["demo", "--headless", "--dashboard", "off"], &file);
    assert!(
        !ok && err.contains(&format!("{} is a file, not a directory", file.display())),
        "{err}"
    );
    assert!(!err.contains("os error"), "{err}");
}

/// A database file that is not one stops a run with one line saying so and what to do, not
/// the same line twice (the crash repair before the store opened said it first).
#[test]
fn a_database_that_is_not_one_is_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    std::fs::create_dir(&demo).unwrap();
    std::fs::write(demo.join("kicktui.db"), [0x5a_u8; 8192]).unwrap();
    let (out, err, ok) = kicktui(&["demo", "--headless", "--dashboard", "off"], dir.path());
    let all = format!("{out}{err}");
    assert!(!ok, "{all}");
    assert_eq!(all.matches("file is not a database").count(), 1, "{all}");
    assert!(err.contains("move it aside"), "{err}");
}
