//! A child's output as lines (streamlink's log): lossy on bad UTF-8, cut when huge.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, BufReader};
use tokio::sync::mpsc;

/// A log line longer than this is cut: the parser needs its start only.
const MAX_LINE: usize = 8 * 1024;

/// Lines of a child's output until it closes. A line that is not UTF-8 (an OS message in
/// another locale, odd bytes in a title) is read lossily, not the end of the log: the rest
/// still carries the timeline and the errors.
pub(super) fn read_lines<R: AsyncRead + Unpin + Send + 'static>(r: R, tx: mpsc::Sender<String>) {
    tokio::spawn(async move {
        let mut reader = BufReader::new(r);
        let mut buf = Vec::new();
        let mut rest = Vec::new();
        // At most MAX_LINE held: a child writing without newlines cannot grow memory.
        while read_part(&mut reader, &mut buf).await {
            if buf.len() == MAX_LINE && !buf.ends_with(b"\n") {
                // Past the cut, the rest of the line is read and dropped.
                while read_part(&mut reader, &mut rest).await && !rest.ends_with(b"\n") {}
            }
            let line = String::from_utf8_lossy(&buf);
            let line = line.trim_end_matches(['\n', '\r']).to_string();
            if tx.send(line).await.is_err() {
                break;
            }
        }
    });
}

/// The next line, or its first `MAX_LINE` bytes, into `buf` (cleared first); false at the
/// end of the output.
async fn read_part<R: AsyncRead + Unpin>(reader: &mut BufReader<R>, buf: &mut Vec<u8>) -> bool {
    buf.clear();
    let mut part = reader.take(MAX_LINE as u64);
    matches!(part.read_until(b'\n', buf).await, Ok(n) if n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_line_that_is_not_utf8_does_not_end_the_log() {
        let (tx, mut rx) = mpsc::channel(8);
        let out: &'static [u8] = b"first\nbad \xff byte\r\nthird\n";
        read_lines(out, tx);
        let mut got = Vec::new();
        while let Some(line) = rx.recv().await {
            got.push(line);
        }
        assert_eq!(got, ["first", "bad \u{fffd} byte", "third"]);
    }

    #[tokio::test]
    async fn a_huge_line_is_cut_and_the_next_one_read_whole() {
        let (tx, mut rx) = mpsc::channel(8);
        let mut out = "x".repeat(3 * MAX_LINE + 5).into_bytes();
        out.extend_from_slice(b"\nnext line\n");
        read_lines(std::io::Cursor::new(out), tx);
        let mut got = Vec::new();
        while let Some(line) = rx.recv().await {
            got.push(line);
        }
        assert_eq!(
            got.len(),
            2,
            "{:?}",
            got.iter().map(String::len).collect::<Vec<_>>()
        );
        assert_eq!(got[0].len(), MAX_LINE);
        assert_eq!(got[1], "next line");
    }
}
