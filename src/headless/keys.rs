//! Headless over SSH or in tmux: a line typed on the terminal changes the activity (its name
//! or number) or marks a moment (`m`). Only when stdin is a terminal and kicktui is the
//! terminal's foreground job: under systemd or a pipe nothing is read, and a run started in
//! the background (`&`) must not read its terminal (the shell's job control would stop it).

use std::io::{BufRead, IsTerminal};

use tokio::sync::mpsc;

use crate::app::MARK_AGAIN_S;
use crate::engine::runner::Command;

/// What a typed line asks for; `None` for an empty line. `Err`: the help to print.
pub fn parse(line: &str, arms: &[String]) -> Option<Result<Command, String>> {
    let word = line.trim();
    if word.is_empty() {
        return None;
    }
    if word.eq_ignore_ascii_case("m") || word.eq_ignore_ascii_case("mark") {
        return Some(Ok(Command::MarkMoment {
            at: crate::time::wall_now(),
            note: None,
        }));
    }
    if ["q", "quit", "exit"]
        .iter()
        .any(|q| word.eq_ignore_ascii_case(q))
    {
        // A TUI habit: the line is no activity, and Ctrl-C is how a headless run stops.
        return Some(Err(
            "Ctrl-C stops kicktui (it closes the session and saves the report)".into(),
        ));
    }
    let name = match word.parse::<usize>() {
        Ok(n) => match n.checked_sub(1).and_then(|i| arms.get(i)) {
            Some(name) => name.clone(),
            // As the TUI says it.
            None => {
                return Some(Err(format!(
                    "there is no activity {n} (there are {}). {}",
                    arms.len(),
                    help(arms)
                )));
            }
        },
        // The engine says so if it is no activity.
        Err(_) if word != "?" && !word.eq_ignore_ascii_case("help") => word.to_string(),
        Err(_) => return Some(Err(help(arms))),
    };
    Some(Ok(Command::SetActivity { name }))
}

pub fn help(arms: &[String]) -> String {
    let numbered: Vec<String> = arms
        .iter()
        .enumerate()
        .map(|(i, a)| format!("{} {a}", i + 1))
        .collect();
    format!(
        "Type an activity and Enter to switch ({}), or m and Enter to mark a moment",
        numbered.join(", ")
    )
}

/// Reads the terminal's lines on a thread of its own until the engine stops taking
/// commands; `say` prints the help.
pub fn spawn(arms: Vec<String>, commands: mpsc::Sender<Command>, say: fn(&str)) {
    if !std::io::stdin().is_terminal() || !in_foreground() {
        return;
    }
    say(&help(&arms));
    let spawned = std::thread::Builder::new()
        .name("headless-keys".into())
        .spawn(move || {
            let mut last_mark: Option<crate::domain::Ts> = None;
            for line in std::io::stdin().lock().lines() {
                let Ok(line) = line else { return };
                // Moved to the background since (Ctrl-Z, bg): stop reading the terminal.
                if !in_foreground() {
                    return;
                }
                let taken = match parse(&line, &arms) {
                    Some(Ok(Command::MarkMoment { at, .. }))
                        if last_mark.is_some_and(|l| at.secs_since(l) < MARK_AGAIN_S) =>
                    {
                        say("same moment as the mark just before (its clip covers both)");
                        true
                    }
                    Some(Ok(cmd)) => {
                        if let Command::MarkMoment { at, .. } = &cmd {
                            last_mark = Some(*at);
                        }
                        commands.blocking_send(cmd).is_ok()
                    }
                    Some(Err(help)) => {
                        say(&help);
                        true
                    }
                    None => true,
                };
                // The engine has stopped.
                if !taken {
                    return;
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("typed commands are off: {e}");
    }
}

/// Whether this process is the terminal's foreground job: its process group is the
/// terminal's (`/proc/self/stat`: pgrp, field 5; tpgid, field 8). Unknown (no `/proc`) counts
/// as no.
fn in_foreground() -> bool {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|stat| foreground_in_stat(&stat))
        .unwrap_or(false)
}

fn foreground_in_stat(stat: &str) -> Option<bool> {
    // The command name (field 2) is in parentheses and may hold spaces or parentheses.
    let rest = &stat[stat.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let (pgrp, tpgid) = (
        f.get(2)?.parse::<i64>().ok()?,
        f.get(5)?.parse::<i64>().ok()?,
    );
    Some(tpgid > 0 && pgrp == tpgid)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `kicktui … --headless &` from a shell: its group is not the terminal's, so it reads
    /// nothing (it was stopped by SIGTTIN at once, and SIGTERM could not stop it).
    #[test]
    fn only_the_foreground_job_reads_the_terminal() {
        let fg = "4242 (kick tui) S 100 4242 100 34816 4242 4194304 0";
        let bg = "4242 (kick tui) S 100 4242 100 34816 4100 4194304 0";
        let no_tty = "4242 (a)b) S 1 4242 4242 0 -1 4194304 0";
        assert_eq!(foreground_in_stat(fg), Some(true));
        assert_eq!(foreground_in_stat(bg), Some(false));
        assert_eq!(foreground_in_stat(no_tty), Some(false));
        assert_eq!(foreground_in_stat("garbage"), None);
    }

    #[test]
    fn a_typed_line_is_an_activity_a_mark_or_help() {
        let arms: Vec<String> = ["talk", "react"].map(String::from).to_vec();
        let set = |l: &str| match parse(l, &arms) {
            Some(Ok(Command::SetActivity { name })) => Some(name),
            _ => None,
        };
        assert_eq!(set("2").as_deref(), Some("react"));
        assert_eq!(set(" talk ").as_deref(), Some("talk"));
        assert_eq!(
            set("Dancing").as_deref(),
            Some("Dancing"),
            "the engine names the arms"
        );
        assert!(matches!(
            parse("m", &arms),
            Some(Ok(Command::MarkMoment { .. }))
        ));
        assert!(parse("", &arms).is_none());
        for l in ["3", "0", "?", "help"] {
            let said = parse(l, &arms).and_then(Result::err).unwrap_or_default();
            assert!(said.contains("1 talk, 2 react"), "{l}: {said}");
        }
        let said = parse("7", &arms).and_then(Result::err).unwrap_or_default();
        assert!(
            said.starts_with("there is no activity 7 (there are 2)"),
            "{said}"
        );
        for l in ["q", "Quit", "exit"] {
            let said = parse(l, &arms).and_then(Result::err).unwrap_or_default();
            assert!(said.starts_with("Ctrl-C stops kicktui"), "{l}: {said}");
        }
    }
}
