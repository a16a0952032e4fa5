//! streamlink 8.6's log lines (with `--loglevel debug`), turned into what the recorder needs:
//! segment numbers and PROGRAM-DATE-TIMEs, and the messages that mean trouble (media.md §3–§4).

use crate::time::Ts;

#[derive(Clone, Debug, PartialEq)]
pub enum LogEvent {
    /// `Queuing HLSSegment(num=N, …, discontinuity=…, duration=D, …, date=…Z, …)`.
    Queued {
        num: u64,
        duration: f64,
        date: Option<Ts>,
        discontinuity: bool,
    },
    /// `First Sequence: A; Last Sequence: B` of the first playlist.
    Sequences {
        first: u64,
        last: u64,
    },
    /// `…; Start Sequence: N; End Sequence: M`: the first segment this run writes; `ended`
    /// when the playlist is an ended one (M a number, not `None`).
    StartSequence {
        first: u64,
        ended: bool,
    },
    Writing(u64),
    Complete(u64),
    Discontinuity,
    /// `No new segments for more than 6.00s. Stopping...`
    NoNewSegments,
    ReloadFailed,
    ReadTimeout,
    StreamEnded,
    /// The output exists already: a bug in our naming, never retried into the same name.
    AlreadyExists,
    /// The output file cannot be written (disk full, permissions, a file-size limit):
    /// streamlink's words, e.g. `[Errno 28] No space left on device`.
    WriteFailed(String),
    /// An `error:` or `[error]` line.
    Error(String),
    Other,
}

/// The errors only a write gives: no space (ENOSPC), over a file-size limit (EFBIG, e.g.
/// FAT32's 4 GiB), over quota (EDQUOT).
const WRITE_ERRNOS: [&str; 3] = ["[Errno 28] ", "[Errno 27] ", "[Errno 122] "];

fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let start = line.find(key)? + key.len();
    let rest = &line[start..];
    let end = rest.find([',', ')', ';']).unwrap_or(rest.len());
    Some(rest[..end].trim())
}

fn num_after(line: &str, key: &str) -> Option<u64> {
    field(line, key)?.parse().ok()
}

/// Classifies one line. Unknown lines are `Other`; nothing here can fail.
pub fn parse(line: &str) -> LogEvent {
    if line.contains("Queuing HLSSegment(") {
        let Some(num) = num_after(line, "num=") else {
            return LogEvent::Other;
        };
        return LogEvent::Queued {
            num,
            duration: field(line, "duration=")
                .and_then(|d| d.parse().ok())
                .unwrap_or(0.0),
            date: field(line, "date=")
                .filter(|d| *d != "None")
                .and_then(Ts::parse_rfc3339),
            discontinuity: field(line, "discontinuity=") == Some("True"),
        };
    }
    let after = |key: &str, suffix: &str| -> Option<u64> {
        line.split(key).nth(1)?.strip_suffix(suffix)?.parse().ok()
    };
    if let Some(n) = after("Writing segment ", " to output") {
        return LogEvent::Writing(n);
    }
    if let Some(n) = after("] Segment ", " complete") {
        return LogEvent::Complete(n);
    }
    if let (Some(first), Some(last)) = (
        num_after(line, "First Sequence:"),
        num_after(line, "Last Sequence:"),
    ) {
        return LogEvent::Sequences { first, last };
    }
    if let Some(first) = num_after(line, "Start Sequence:") {
        let ended = num_after(line, "End Sequence:").is_some();
        return LogEvent::StartSequence { first, ended };
    }
    if line.contains("Encountered a stream discontinuity") {
        return LogEvent::Discontinuity;
    }
    if line.contains("No new segments for more than") {
        return LogEvent::NoNewSegments;
    }
    if line.contains("Reloading failed") {
        return LogEvent::ReloadFailed;
    }
    if line.contains("already exists, use --force") {
        return LogEvent::AlreadyExists;
    }
    if line.contains("Read timeout") {
        return LogEvent::ReadTimeout;
    }
    if line.contains("[cli][info] Stream ended") {
        return LogEvent::StreamEnded;
    }
    for key in ["Error when writing to output: ", "Failed to open output"] {
        if let Some(i) = line.find(key) {
            let why = line[i + key.len()..].trim_start_matches(": ");
            let why = why.trim_end_matches(", exiting").trim();
            return LogEvent::WriteFailed(why.to_string());
        }
    }
    // The same error, when closing the file failed too (flushing its buffer): streamlink
    // then prints only the errno (about half the write failures measured, full disk and
    // file-size limit alike).
    if let Some(why) = line.strip_prefix("error: ")
        && WRITE_ERRNOS.iter().any(|e| why.starts_with(e))
    {
        return LogEvent::WriteFailed(why.trim().to_string());
    }
    if line.starts_with("error:") || line.contains("][error]") {
        return LogEvent::Error(line.trim().to_string());
    }
    LogEvent::Other
}

/// `line` with the query of every URL in it replaced by `?…`: a playback URL may carry a
/// token there, and streamlink prints URLs in its errors.
pub fn without_url_queries(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_url = false;
    let mut in_query = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if !in_url && (rest.starts_with("http://") || rest.starts_with("https://")) {
            in_url = true;
        }
        if c.is_whitespace() || c == '\'' || c == '"' || c == ')' || c == '>' {
            in_url = false;
            in_query = false;
        }
        if in_url && c == '?' && !in_query {
            in_query = true;
            out.push_str("?…");
        } else if !in_query {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_queries_never_reach_the_log() {
        let line = "[cli][error] Unable to open URL: https://x.live/a.m3u8?token=s3cret&sig=1 \
                    (403 Client Error: Forbidden for url: https://x.live/b.m3u8?token=s3cret)";
        let clean = without_url_queries(line);
        assert!(!clean.contains("s3cret"), "{clean}");
        assert!(clean.contains("https://x.live/a.m3u8?… (403"), "{clean}");
        assert!(clean.ends_with("https://x.live/b.m3u8?…)"), "{clean}");
        let plain = "[stream.hls][debug] Adding segment 12 to queue? yes";
        assert_eq!(without_url_queries(plain), plain);
    }

    #[test]
    fn a_file_that_cannot_be_written_is_its_own_event() {
        assert_eq!(
            parse(
                "error: Error when writing to output: [Errno 28] No space left on device, exiting"
            ),
            LogEvent::WriteFailed("[Errno 28] No space left on device".into())
        );
        assert_eq!(
            parse(
                "error: Failed to open output: /r/x_p1.ts ([Errno 13] Permission denied: '/r/x_p1.ts')"
            ),
            LogEvent::WriteFailed("/r/x_p1.ts ([Errno 13] Permission denied: '/r/x_p1.ts')".into())
        );
        // When closing the file fails too, only the errno is left (measured with 8.6.3).
        assert_eq!(
            parse("error: [Errno 28] No space left on device"),
            LogEvent::WriteFailed("[Errno 28] No space left on device".into())
        );
        assert_eq!(
            parse("error: [Errno 27] File too large"),
            LogEvent::WriteFailed("[Errno 27] File too large".into())
        );
        assert!(matches!(
            parse("error: [Errno 110] Connection timed out"),
            LogEvent::Error(_)
        ));
        assert!(matches!(
            parse("error: No playable streams found"),
            LogEvent::Error(_)
        ));
    }

    #[test]
    fn real_lines_parse() {
        let q = "[stream.segmented][debug] Queuing HLSSegment(num=66, init=False, \
                 discontinuity=False, duration=2.000, title=None, key=None, byterange=None, \
                 date=2026-11-21T03:00:25.210000Z, map=None, fileext='ts')";
        assert_eq!(
            parse(q),
            LogEvent::Queued {
                num: 66,
                duration: 2.0,
                date: Ts::parse_rfc3339("2026-11-21T03:00:25.210Z"),
                discontinuity: false,
            }
        );
        let no_pdt = q.replace("date=2026-11-21T03:00:25.210000Z", "date=None");
        assert!(matches!(
            parse(&no_pdt),
            LogEvent::Queued { date: None, .. }
        ));
        assert_eq!(
            parse("[stream.hls][debug] Writing segment 3 to output"),
            LogEvent::Writing(3)
        );
        assert_eq!(
            parse("[stream.hls][debug] Segment 3 complete"),
            LogEvent::Complete(3)
        );
        assert_eq!(
            parse("[stream.hls][debug] First Sequence: 0; Last Sequence: 3"),
            LogEvent::Sequences { first: 0, last: 3 }
        );
        assert_eq!(
            parse(
                "[stream.hls][debug] Start offset: -0.0; Duration: 0.0; Start Sequence: 1; \
                 End Sequence: None"
            ),
            LogEvent::StartSequence {
                first: 1,
                ended: false
            }
        );
        assert_eq!(
            parse(
                "[stream.hls][debug] Start offset: 0.0; Duration: 0.0; Start Sequence: 0; \
                 End Sequence: 3"
            ),
            LogEvent::StartSequence {
                first: 0,
                ended: true
            }
        );
        assert_eq!(
            parse(
                "[stream.hls][warning] Encountered a stream discontinuity. This is unsupported \
                 and will result in incoherent output data."
            ),
            LogEvent::Discontinuity
        );
        assert_eq!(
            parse("[stream.segmented][warning] No new segments for more than 6.00s. Stopping..."),
            LogEvent::NoNewSegments
        );
        assert_eq!(parse("[cli][info] Stream ended"), LogEvent::StreamEnded);
        assert!(matches!(
            parse("error: No playable streams found on this URL: hls://x"),
            LogEvent::Error(_)
        ));
        assert_eq!(
            parse("[cli][info] Opening stream: live (hls)"),
            LogEvent::Other
        );
    }
}
