//! The programs kicktui runs: streamlink records, ffmpeg and ffprobe cut and read clips.

use tokio::process::Command;
use tokio::time::timeout;

use super::Check;
use super::checks::WAIT;

/// streamlink's Kick plugin as kicktui was tested with it: it solves Cloudflare's JS challenge
/// with a browser when the API answers 403.
pub const MIN_STREAMLINK: (u32, u32, u32) = (8, 6, 3);

/// The first line a program prints for `arg`, or why it could not run.
async fn first_line(program: &str, arg: &str) -> Result<String, String> {
    let out = timeout(WAIT, Command::new(program).arg(arg).output())
        .await
        .map_err(|_| "did not answer in time".to_string())?
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text.lines().next().unwrap_or_default().trim().to_string())
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
    match first_line(program, "--version").await {
        Err(e) => Check::fail(
            NAME,
            format!("`{program}` does not run: {e}"),
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
    match first_line(program, "-version").await {
        Ok(line) if !line.is_empty() => Check::ok(name, line),
        Ok(_) => Check::fail(
            name,
            format!("`{program}` printed no version"),
            format!("install {name} (e.g. apt install ffmpeg), or set [recorder] {name}"),
        ),
        Err(e) => Check::fail(
            name,
            format!("`{program}` does not run: {e}"),
            format!(
                "install {name} (e.g. apt install ffmpeg), or set [recorder] {name}; clips need it"
            ),
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
}
