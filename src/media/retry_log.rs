//! A streamlink that cannot reach its stream says the same error every 5 s, and kicktui starts
//! it again for as long as the channel is live: said each time, it buries the log pane. Here
//! a line is said the first time, then at most once per [`SUMMARY_EVERY`] with how often it
//! came meanwhile; and the error is put in a few words for the recorder's state.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How long a repeated line stays quiet before a summary says it again.
pub const SUMMARY_EVERY: Duration = Duration::from_secs(300);
/// Distinct lines remembered; past this the oldest is forgotten (said again when it comes).
const KEEP: usize = 32;

#[derive(Debug, Default)]
pub struct RepeatLines {
    /// Per line: when it was last said, and how often it came since.
    seen: HashMap<String, (Instant, u32)>,
}

impl RepeatLines {
    /// The line to log for `line` at `now`, or `None` when it is a repeat said recently.
    pub fn line(&mut self, line: &str, now: Instant) -> Option<String> {
        if let Some((said, again)) = self.seen.get_mut(line) {
            *again += 1;
            let quiet = now.saturating_duration_since(*said);
            if quiet < SUMMARY_EVERY {
                return None;
            }
            let out = format!("{line} (again {again}× in {})", span(quiet));
            *said = now;
            *again = 0;
            return Some(out);
        }
        if self.seen.len() >= KEEP
            && let Some(oldest) = self
                .seen
                .iter()
                .min_by_key(|(_, v)| v.0)
                .map(|(k, _)| k.clone())
        {
            self.seen.remove(&oldest);
        }
        self.seen.insert(line.to_string(), (now, 0));
        Some(line.to_string())
    }

    /// The trouble is over (the recording has bytes again): a line that comes next is new.
    pub fn clear(&mut self) {
        self.seen.clear();
    }
}

fn span(d: Duration) -> String {
    let s = d.as_secs();
    if s < 120 {
        format!("{s} s")
    } else {
        format!("{} min", s / 60)
    }
}

/// Why streamlink could not open the stream, in a few words, from its error line; `None` for
/// a line that is not about reaching it.
pub fn unreachable_why(line: &str) -> Option<String> {
    for kind in [" Client Error: ", " Server Error: "] {
        if let Some(i) = line.find(kind) {
            let code = line[..i].rsplit(['(', ' ']).next().unwrap_or("");
            let rest = &line[i + kind.len()..];
            let reason = rest.split(" for url").next().unwrap_or("").trim();
            return Some(format!("{code} {reason}").trim().to_string());
        }
    }
    let known = [
        ("Connection refused", "connection refused"),
        ("Name or service not known", "unknown host"),
        ("Temporary failure in name resolution", "unknown host"),
        ("NameResolutionError", "unknown host"),
        ("No route to host", "no route to host"),
        ("timed out", "timed out"),
        (
            "No plugin can handle URL",
            "streamlink has no plugin for this address",
        ),
        ("No playable streams found", "no playable stream"),
    ];
    if !(line.contains("Unable to open URL") || line.starts_with("error:")) {
        return None;
    }
    Some(
        known
            .iter()
            .find(|(k, _)| line.contains(k))
            .map_or("no stream", |(_, why)| why)
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_line_is_said_once_then_summarised_every_five_minutes() {
        let mut log = RepeatLines::default();
        let t0 = Instant::now();
        let at = |s: u64| t0 + Duration::from_secs(s);
        let said: Vec<String> = (0..130)
            .filter_map(|i| log.line("[cli][error] Unable to open URL: x (404)", at(i * 5)))
            .collect();
        assert_eq!(
            said,
            [
                "[cli][error] Unable to open URL: x (404)",
                "[cli][error] Unable to open URL: x (404) (again 60× in 5 min)",
                "[cli][error] Unable to open URL: x (404) (again 60× in 5 min)",
            ]
        );
        // Another line is said at once; after a clear the first one is new again.
        assert!(
            log.line("error: No playable streams found", at(651))
                .is_some()
        );
        assert!(
            log.line("[cli][error] Unable to open URL: x (404)", at(652))
                .is_none()
        );
        log.clear();
        assert!(
            log.line("[cli][error] Unable to open URL: x (404)", at(653))
                .is_some()
        );
    }

    #[test]
    fn streamlinks_errors_in_a_few_words() {
        let l = "[cli][error] Unable to open URL: http://127.0.0.1:9/x.m3u8 (404 Client Error: \
                 Not Found for url: http://127.0.0.1:9/x.m3u8)";
        assert_eq!(unreachable_why(l).as_deref(), Some("404 Not Found"));
        let l = "[cli][error] Unable to open URL: http://127.0.0.1:19701/x.m3u8 \
                 (HTTPConnectionPool(host='127.0.0.1', port=19701): Max retries exceeded with \
                 url: /x.m3u8 (Caused by NewConnectionError(\"HTTPConnection(host='127.0.0.1', \
                 port=19701): Failed to establish a new connection: [Errno 111] Connection \
                 refused\")))";
        assert_eq!(unreachable_why(l).as_deref(), Some("connection refused"));
        let l = "error: No plugin can handle URL: https://127.0.0.1:19701/";
        assert_eq!(
            unreachable_why(l).as_deref(),
            Some("streamlink has no plugin for this address")
        );
        assert_eq!(
            unreachable_why("error: No playable streams found on this URL: hls://x").as_deref(),
            Some("no playable stream")
        );
        assert_eq!(
            unreachable_why("[stream.hls][warning] Reloading failed"),
            None
        );
    }
}
