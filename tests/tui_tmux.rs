//! End to end: the real binary in an 80×24 tmux pane, driven with send-keys and read with
//! capture-pane. `tui-preview` replays the demo chat log 60× faster than real time: the panes
//! appear, the log's first spike reaches the moments list, a paste is ignored, `m` marks, `?`
//! shows help, and `q` leaves the alternate screen with the shell's terminal restored.

mod tmux_support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use tmux_support::Tmux;

/// Starts `tui-preview` in an 80×24 pane of a private tmux server, a second from now (keys
/// can be typed ahead); the shell prints the exit code and whether the terminal is back in
/// cooked mode once kicktui ends.
fn start(tag: &str) -> (Tmux, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-chat.jsonl");
    let cmd = format!(
        "sleep 1; '{}' tui-preview --speed 60 --config '{}' --data-dir '{}' '{}'; echo KICKTUI-EXIT=$? TTY-$(stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon); sleep 60",
        env!("CARGO_BIN_EXE_kicktui"),
        config.display(),
        dir.path().display(),
        demo.display()
    );
    let tmux = Tmux::new(tag);
    tmux.start_80x24(&cmd);

    (tmux, dir)
}

#[test]
fn preview_in_an_80x24_tmux_pane() {
    let (tmux, _dir) = start("keys");
    // Typed before the TUI is up: dropped, not a mark made before anything was on screen.
    tmux.keys(&["m"]);
    // The first frame comes before the first update ("○ starting"); wait for the feed too.
    let screen = tmux.wait_for("the panes", Duration::from_secs(20), |s| {
        s.contains("Moments") && s.contains("● LIVE")
    });
    for pane in [
        "● LIVE",
        "Chat",
        "Keywords",
        "Top emotes",
        "Recording",
        "Activity",
        "Log",
        "m mark",
    ] {
        assert!(screen.contains(pane), "{pane:?} missing:\n{screen}");
    }
    // The log's first highlight (a gifted-sub burst with a chat spike, 9 minutes in).
    tmux.wait_for("a detected moment", Duration::from_secs(40), |s| {
        s.contains("SUB BURST")
    });

    // A paste is text, not keys: "m" and "q" in it neither mark nor quit.
    tmux.run(&["set-buffer", "-b", "kt", "mq 2 great clip"]);
    tmux.run(&["paste-buffer", "-p", "-b", "kt", "-t", "kt"]);
    let screen = tmux.wait_for("the paste refused", Duration::from_secs(10), |s| {
        s.contains("pasted text ignored")
    });
    assert!(!screen.contains("MARKED"), "{screen}");

    tmux.keys(&["m"]);
    let screen = tmux.wait_for("the marked moment", Duration::from_secs(10), |s| {
        s.contains("MARKED")
    });
    assert!(screen.contains("preview: not saved"), "{screen}");

    tmux.keys(&["?"]);
    let screen = tmux.wait_for("the help", Duration::from_secs(5), |s| {
        s.contains("mark a moment now")
    });
    assert!(
        screen.contains("Ctrl-L") && screen.contains("repaint"),
        "{screen}"
    );
    tmux.keys(&["Escape"]);
    tmux.wait_for("help closed", Duration::from_secs(5), |s| {
        !s.contains("mark a moment now")
    });

    tmux.keys(&["q"]);
    let screen = tmux.wait_for("the exit", Duration::from_secs(10), |s| {
        s.contains("KICKTUI-EXIT=")
    });
    assert!(screen.contains("KICKTUI-EXIT=0"), "{screen}");
    assert!(
        screen.contains("TTY-icanon"),
        "raw mode is off again:\n{screen}"
    );
    assert!(
        !screen.contains("Moments"),
        "the alternate screen is gone:\n{screen}"
    );
    let alt = tmux.run(&["display-message", "-p", "-t", "kt", "#{alternate_on}"]);
    assert_eq!(
        String::from_utf8_lossy(&alt.stdout).trim(),
        "0",
        "alternate screen left"
    );
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for signal in ["TERM", "HUP"] {
        let (tmux, _dir) = start(signal);
        tmux.wait_for("the panes", Duration::from_secs(20), |s| {
            s.contains("Moments")
        });
        let kicktui = tmux.program_pid();
        assert!(!kicktui.is_empty(), "no kicktui process under the pane");
        let killed = Command::new("kill")
            .args(["-s", signal, &kicktui])
            .status()
            .unwrap();
        assert!(killed.success());
        let screen = tmux.wait_for("the exit", Duration::from_secs(10), |s| {
            s.contains("KICKTUI-EXIT=")
        });
        assert!(screen.contains("KICKTUI-EXIT=0"), "SIG{signal}: {screen}");
        assert!(
            screen.contains("TTY-icanon"),
            "SIG{signal}: raw mode is off again:\n{screen}"
        );
        assert!(
            !screen.contains("Moments"),
            "SIG{signal}: alternate screen left:\n{screen}"
        );
    }
}

/// A stop (SIGTSTP, as `kill -TSTP` sends) is refused with a word: stopped, kicktui would read
/// no chat and watch no recording. After an uncatchable SIGSTOP the shell may take the
/// terminal back (cooked mode, echo): at SIGCONT the TUI sets it up again.
#[test]
fn a_stop_is_refused_and_a_continue_sets_the_terminal_up_again() {
    let (tmux, _dir) = start("stop");
    tmux.wait_for("the panes", Duration::from_secs(20), |s| {
        s.contains("Moments")
    });
    let kicktui = tmux.program_pid();
    assert!(!kicktui.is_empty(), "no kicktui process under the pane");
    let kill = |signal: &str| {
        let sent = Command::new("kill")
            .args(["-s", signal, &kicktui])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -{signal}");
    };
    kill("TSTP");
    tmux.wait_for("the refusal", Duration::from_secs(10), |s| {
        s.contains("does not suspend")
    });

    let tty = tmux.run(&["display-message", "-p", "-t", "kt", "#{pane_tty}"]);
    let tty = String::from_utf8_lossy(&tty.stdout).trim().to_string();
    let raw = || {
        let out = Command::new("stty")
            .args(["-F", &tty, "-a"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).contains("-icanon")
    };
    assert!(raw(), "the TUI runs in raw mode");
    kill("STOP");
    // What a shell does with the terminal of a stopped job.
    assert!(
        Command::new("stty")
            .args(["-F", &tty, "sane"])
            .status()
            .unwrap()
            .success()
    );
    assert!(!raw());
    kill("CONT");
    let back = std::time::Instant::now();
    while !raw() && back.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(raw(), "raw mode again after SIGCONT");
    // The repaint after SIGCONT (and Ctrl-L's) once asked the terminal for the cursor
    // position, an answer the key reader took: the TUI quit on a 2 s timeout. Still up after
    // that, and answering.
    tmux.keys(&["C-l"]);
    std::thread::sleep(Duration::from_secs(3));
    tmux.keys(&["?"]);
    let screen = tmux.wait_for("the help", Duration::from_secs(10), |s| {
        s.contains("KICKTUI-EXIT=") || s.contains("this help")
    });
    assert!(!screen.contains("KICKTUI-EXIT="), "{screen}");
    tmux.keys(&["Escape", "q"]);
    let screen = tmux.wait_for("the exit", Duration::from_secs(10), |s| {
        s.contains("KICKTUI-EXIT=")
    });
    assert!(screen.contains("KICKTUI-EXIT=0"), "{screen}");
}

/// A dumb terminal cannot move the cursor: the TUI says so and what to use instead.
#[test]
fn a_dumb_terminal_is_told_to_use_the_line_output() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-chat.jsonl");
    let out = Command::new(env!("CARGO_BIN_EXE_kicktui"))
        .arg("tui-preview")
        .arg(&demo)
        .env("TERM", "dumb")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("TERM is dumb") && err.contains("kicktui replay"),
        "{err}"
    );
}
