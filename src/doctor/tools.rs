//! The programs kicktui runs: streamlink records, ffmpeg and ffprobe cut and read clips.

use tokio::process::Command;
use tokio::time::timeout;

use super::Check;
use super::checks::WAIT;
use crate::media::children::Tracked;

/// streamlink's Kick plugin as kicktui was tested with it: it solves Cloudflare's JS challenge
/// with a browser when the API answers 403.
pub const MIN_STREAMLINK: (u32, u32, u32) = (8, 6, 3);

/// What a program printed, on one line: its first line, and its last when it said more (a
/// Python traceback's last line is the error).
fn said(output: &str) -> Option<String> {
    let mut lines = output.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next()?;
    let words = match lines.next_back() {
        Some(last) => format!("{first} … {last}"),
        None => first.to_string(),
    };
    Some(crate::text_fit::shorten(
        &crate::terminal_text::clean(&words),
        200,
    ))
}

/// The first line a program prints for `arg` when it succeeds; otherwise why not, with what it
/// said (a failed run prints anything: a traceback, a usage line).
async fn version_line(program: &str, arg: &str) -> Result<String, String> {
    let mut cmd = Command::new(program);
    cmd.arg(arg);
    // Tracked: one that hangs is killed with its whole group when the wait ends.
    let out = timeout(WAIT, Tracked::output(&mut cmd))
        .await
        .map_err(|_| format!("did not answer within {} s", WAIT.as_secs()))?
        .map_err(|e| format!("does not run: {e}"))?;
    let words = said(&out.stderr).or_else(|| said(&out.stdout));
    let with_words = |how: String| match &words {
        Some(w) => format!("{how}: {w}"),
        None => how,
    };
    if !out.success() {
        return Err(with_words(match out.code {
            Some(code) => format!("exits with status {code}"),
            None => "was killed by a signal".to_string(),
        }));
    }
    match out.stdout.lines().map(str::trim).find(|l| !l.is_empty()) {
        Some(line) => Ok(crate::terminal_text::clean(line)),
        None => Err(with_words("printed no version".into())),
    }
}

/// `streamlink 8.6.3` → (8, 6, 3).
pub fn parse_version(line: &str) -> Option<(u32, u32, u32)> {
    let v = line
        .split_whitespace()
        .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))?;
    let mut it = v.split(['.', '+', '-']).map(|p| p.parse::<u32>().ok());
    Some((
        it.next()??,
        it.next().flatten().unwrap_or(0),
        it.next().flatten().unwrap_or(0),
    ))
}

pub async fn streamlink(program: &str) -> Check {
    const NAME: &str = "streamlink";
    let (a, b, c) = MIN_STREAMLINK;
    let upgrade = format!("pip install --upgrade streamlink (kicktui needs {a}.{b}.{c} or newer)");
    match version_line(program, "--version").await {
        Err(e) => Check::fail(
            NAME,
            format!("`{program}` {e}"),
            format!("{upgrade}, or set [recorder] streamlink; without it nothing is recorded"),
        ),
        Ok(line) => match parse_version(&line) {
            Some(v) if v >= MIN_STREAMLINK => Check::ok(NAME, format!("{line} ({program})")),
            Some(_) => Check::fail(NAME, format!("{line}: too old for Kick"), upgrade),
            None => Check::fail(NAME, format!("unknown version {line:?}"), upgrade),
        },
    }
}

pub async fn program(name: &'static str, program: &str) -> Check {
    let install = format!("install {name} (e.g. apt install ffmpeg), or set [recorder] {name}");
    match version_line(program, "-version").await {
        // `ffprobe version 6.1.1 …`, `ffmpeg version N-113…`: any other line is not theirs.
        Ok(line) if line.split_whitespace().any(|w| w == "version") => Check::ok(name, line),
        Ok(line) => Check::fail(
            name,
            format!(
                "`{program}` printed no version: {}",
                crate::text_fit::shorten(&line, 200)
            ),
            install,
        ),
        Err(e) => Check::fail(
            name,
            format!("`{program}` {e}"),
            format!("{install}; clips need it"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_the_first_line() {
        assert_eq!(parse_version("streamlink 8.6.3"), Some((8, 6, 3)));
        assert_eq!(parse_version("streamlink 7.1"), Some((7, 1, 0)));
        assert_eq!(parse_version("streamlink 8.6.3+12.gabc"), Some((8, 6, 3)));
        assert_eq!(parse_version("streamlink"), None);
        assert!(parse_version("streamlink 8.6.2").unwrap() < MIN_STREAMLINK);
    }

    /// A stand-in program: `body` as a shell script, executable, in `dir`.
    fn script(dir: &std::path::Path, name: &str, body: &str) -> String {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        path.display().to_string()
    }

    /// Runs a check again while the script is "busy": a test thread forking while another
    /// wrote its script (ETXTBSY) is this test's race, not the check's.
    async fn settled<F: std::future::Future<Output = Check>>(mut run: impl FnMut() -> F) -> Check {
        for _ in 0..20 {
            let c = run().await;
            if !c.detail.contains("Text file busy") {
                return c;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        run().await
    }

    /// A broken install (a Python traceback, exit 1) was "ok ffprobe Traceback…": a tool that
    /// fails or prints no version fails, with what it said and how it ended.
    #[tokio::test]
    async fn a_tool_that_fails_or_says_no_version_fails() {
        use super::super::Status;
        let dir = tempfile::tempdir().expect("tempdir");
        let traceback = "echo 'Traceback (most recent call last):'\n\
                         echo '  File \"/usr/bin/ffprobe\", line 1' >&2\n\
                         echo \"ModuleNotFoundError: No module named 'x'\" >&2\n";
        let crashes = script(dir.path(), "crashes", &format!("{traceback}exit 1"));
        let rambles = script(
            dir.path(),
            "rambles",
            "echo 'Traceback (most recent call last):'",
        );
        let fine = script(
            dir.path(),
            "fine",
            "echo 'ffprobe version 6.1.1 Copyright (c)'",
        );
        let c = settled(|| program("ffprobe", &crashes)).await;
        assert_eq!(c.status, Status::Fail, "{c:?}");
        assert!(c.detail.contains("exits with status 1"), "{c:?}");
        assert!(c.detail.contains("No module named 'x'"), "{c:?}");
        let c = settled(|| program("ffprobe", &rambles)).await;
        assert_eq!(c.status, Status::Fail, "{c:?}");
        assert!(c.detail.contains("printed no version"), "{c:?}");
        let c = settled(|| program("ffprobe", &fine)).await;
        assert_eq!(c.status, Status::Ok, "{c:?}");
        assert_eq!(c.detail, "ffprobe version 6.1.1 Copyright (c)");

        // A streamlink that fails says how, not `unknown version ""`.
        let broken = script(
            dir.path(),
            "streamlink",
            "echo 'error: No plugin can handle URL' >&2\nexit 2",
        );
        let c = settled(|| streamlink(&broken)).await;
        assert_eq!(c.status, Status::Fail, "{c:?}");
        assert!(
            c.detail
                .ends_with("exits with status 2: error: No plugin can handle URL"),
            "{c:?}"
        );
    }
}
