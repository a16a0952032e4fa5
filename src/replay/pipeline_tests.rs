//! The pipelined reader against the plain definitions: `read_until`'s lines, line-by-line feeding.

use std::io::{BufRead, BufReader};

use super::*;

#[test]
fn lines_split_as_read_until_splits_them_whatever_the_buffer() {
    let text: &[u8] = b"a\n\nbb\r\n\xff\xfe\nccc\n  \nlast";
    let mut want = Vec::new();
    let mut r = text;
    loop {
        let mut line = Vec::new();
        if r.read_until(b'\n', &mut line).unwrap() == 0 {
            break;
        }
        want.push(line);
    }
    for cap in [1, 2, 3, 5, 8, 64] {
        let mut got = Vec::new();
        for_each_line(BufReader::with_capacity(cap, text), |l| {
            got.push(l.unwrap().to_vec());
            true
        })
        .unwrap();
        assert_eq!(got, want, "buffer of {cap}");
        let mut first = Vec::new();
        for_each_line(BufReader::with_capacity(cap, text), |l| {
            first.push(l.unwrap().to_vec());
            false
        })
        .unwrap();
        assert_eq!(first, want[..1], "stops when asked");
    }
}

/// A line with no end in sight is skipped, not gathered: memory stays flat.
#[test]
fn an_overlong_line_is_skipped_whatever_the_buffer() {
    let long = vec![b'x'; MAX_LINE + 10];
    for (tail, cap) in [
        (&b"\nok\n"[..], 4096),
        (&b""[..], 4096),
        (&b"\nok\n"[..], 3 * MAX_LINE),
    ] {
        let mut text = b"a\n".to_vec();
        text.extend_from_slice(&long);
        text.extend_from_slice(tail);
        let mut got = Vec::new();
        for_each_line(BufReader::with_capacity(cap, &text[..]), |l| {
            got.push(l.map(<[u8]>::to_vec));
            true
        })
        .unwrap();
        let mut want = vec![Some(b"a\n".to_vec()), None];
        if !tail.is_empty() {
            want.push(Some(b"ok\n".to_vec()));
        }
        assert_eq!(got, want, "buffer of {cap}");
    }
    // Just under the limit is still a line.
    let mut text = vec![b'y'; MAX_LINE - 1];
    text.push(b'\n');
    let mut n = 0;
    for_each_line(BufReader::with_capacity(4096, &text[..]), |l| {
        n += l.map_or(0, <[u8]>::len);
        true
    })
    .unwrap();
    assert_eq!(n, MAX_LINE);
}

/// The pipelined reader (recycled slots, de-duplication on its own thread, lines across
/// buffer ends) reports exactly what feeding the lines one by one does.
#[test]
fn pipelined_replay_matches_line_by_line() {
    let fixtures = concat!(
        include_str!("../../tests/fixtures/kick/frames.jsonl"),
        include_str!("../../tests/fixtures/kick/malformed.jsonl"),
    );
    let frames: Vec<String> = (0..3000)
        .map(|i| crate::bench::kick_chat_frame(i, 1_790_000_000 + i as i64 / 7))
        .collect();
    // Duplicates next to each other and a few batches apart, blank lines, a bad line.
    let mut text = String::from(fixtures);
    for (i, f) in frames.iter().enumerate() {
        text.push_str(f);
        text.push('\n');
        if i % 10 == 0 {
            text.push_str(f);
            text.push_str("\n  \n");
        }
        if i % 500 == 0 {
            text.push_str(&frames[i / 2]);
            text.push_str("\nnot json\n");
        }
    }
    text.push_str(fixtures);
    let cfg = Config::default();
    let mut one_by_one = Replayer::new(&cfg);
    for line in text.lines() {
        one_by_one.line(line);
    }
    let want = one_by_one.finish();
    assert!(want.stats.duplicates > 300, "{:?}", want.stats);
    for cap in [97, 1 << 20] {
        let got = run(BufReader::with_capacity(cap, text.as_bytes()), &cfg).unwrap();
        assert_eq!(got, want, "buffer of {cap}");
    }
}

/// Money no one sends in one go is garbage: counted as an unreadable line, no moment, no
/// revenue, and the real gift beside it still counts.
#[test]
fn an_absurd_amount_is_an_error_not_a_fortune() {
    let log = concat!(
        r#"{"ts":"2024-01-01T00:00:01Z","user":"a","type":"donation","amount":1e308}"#,
        "\n",
        r#"{"ts":"2024-01-01T00:00:02Z","user":"b","type":"donation","amount":10}"#,
        "\n",
    );
    let report = run(log.as_bytes(), &Config::default()).unwrap();
    assert_eq!(report.stats.errors, 1);
    assert!(
        report
            .first_error
            .as_deref()
            .is_some_and(|e| e.contains("taken for garbage")),
        "{:?}",
        report.first_error
    );
    assert_eq!(report.notable.len(), 1);
    assert!(
        report
            .moments
            .iter()
            .all(|m| m.score.is_finite() && m.score < 1000.0)
    );
}

/// A saturated viewer count or raid size (4294967295) is garbage too: no top moment of it.
#[test]
fn an_absurd_viewer_count_or_raid_is_an_error_not_a_spike() {
    let mut log = String::new();
    for s in 0..30 {
        log.push_str(&format!(
            "{{\"ts\":\"2024-01-01T00:{:02}:{:02}Z\",\"type\":\"viewers\",\"count\":100}}\n",
            s / 6,
            s % 6 * 10
        ));
    }
    log.push_str(r#"{"ts":"2024-01-01T00:05:10Z","type":"viewers","count":4294967295}"#);
    log.push('\n');
    log.push_str(r#"{"ts":"2024-01-01T00:05:20Z","user":"r","type":"raid","viewers":4294967295}"#);
    log.push('\n');
    let report = run(log.as_bytes(), &Config::default()).unwrap();
    assert_eq!(report.stats.errors, 2, "{:?}", report.first_error);
    assert!(report.moments.is_empty(), "{:?}", report.moments);
}

#[test]
fn a_byte_order_mark_costs_no_line_or_document() {
    let doc = "\u{feff}{\"video\":{\"created_at\":\"2026-11-20T18:00:00Z\"},\"comments\":[\
        {\"_id\":\"a1\",\"content_offset_seconds\":1,\"commenter\":{\"name\":\"ana\"},\"message\":{\"body\":\"hi\"}}]}";
    let cd_lines = "\u{feff}{\"message_id\": \"1\", \"message\": \"hi\", \"timestamp\": 1000000, \
        \"author\": {\"name\": \"a\"}, \"message_type\": \"text_message\"}\n";
    let plain = "\u{feff}{\"ts\": 1.0, \"user\": \"a\", \"text\": \"hi\"}\n";
    for input in [doc, cd_lines, plain] {
        let r = run(input.as_bytes(), &Config::default()).unwrap();
        assert_eq!((r.stats.errors, r.stats.chat_messages), (0, 1), "{input}");
    }
}
