use super::*;
use crate::media::slog::parse;

/// streamlink says `Stream ended` after any end of its read loop: exit 0 after it is an
/// ended playlist; exit 1 (a read timeout) is not; after "no new segments" it is a stale
/// playlist (measured with streamlink 8.6.3).
#[test]
fn stream_ended_is_an_ended_playlist_only_with_exit_0() {
    let end = |lines: &[&str], code| {
        let mut info = PartInfo::new(1, "p1.ts".into(), Ts(0), 3);
        let mut log = PartLog::default();
        for l in lines {
            log.apply(&parse(l), &mut info);
        }
        log.end_on_exit(code)
    };
    let ended = ["[cli][info] Stream ended"];
    assert_eq!(end(&ended, Some(0)), PartEnd::PlaylistEnded);
    let timeout = [
        "[stream.segmented][error] Failed to fetch segment 5: Read timed out",
        "[cli][info] Stream ended",
        "error: Error when reading from stream: Read timeout, exiting",
    ];
    assert_eq!(end(&timeout, Some(1)), PartEnd::Exited(Some(1)));
    let stale = [
        "[stream.segmented][warning] No new segments for more than 6.00s. Stopping...",
        "[cli][info] Stream ended",
    ];
    assert_eq!(end(&stale, Some(0)), PartEnd::NoNewVideo);
    // The server gone: no new segments because the playlist could not be loaded. The restart
    // then goes back for what the playlist still holds (it started at the newest, and the
    // segments listed when the server came back were lost).
    let gone = [
        "[stream.hls][warning] Reloading failed: Unable to open URL: http://127.0.0.1:8080/live.m3u8 (Connection refused)",
        "[stream.hls][warning] Reloading failed: Unable to open URL: http://127.0.0.1:8080/live.m3u8 (Connection refused)",
        "[stream.segmented][warning] No new segments for more than 6.00s. Stopping...",
        "[cli][info] Stream ended",
    ];
    assert_eq!(end(&gone, Some(0)), PartEnd::Unreachable);
    // A failed reload the recording got over (segments came after it) is no outage.
    let blip = [
        "[stream.hls][warning] Reloading failed: Unable to open URL: http://h/live.m3u8 (Connection refused)",
        "[stream.hls][debug] Segment 7 complete",
        "[stream.segmented][warning] No new segments for more than 6.00s. Stopping...",
    ];
    assert_eq!(end(&blip, Some(0)), PartEnd::NoNewVideo);
    // One failed reload in a freeze: still a frozen stream.
    assert_eq!(end(&gone[1..], Some(0)), PartEnd::NoNewVideo);
}

#[test]
fn pdt_of_the_first_written_segment_and_content() {
    let mut info = PartInfo::new(1, "p1.ts".into(), Ts(0), 3);
    let mut log = PartLog::default();
    let lines = [
        "[stream.hls][debug] First Sequence: 0; Last Sequence: 3",
        "[stream.hls][debug] Start offset: -0.0; Duration: 0.0; Start Sequence: 1; End Sequence: None",
        "[stream.segmented][debug] Queuing HLSSegment(num=1, init=False, discontinuity=False, duration=2.000, title=None, key=None, byterange=None, date=2026-11-21T03:00:25.210000Z, map=None, fileext='ts')",
        "[stream.segmented][debug] Queuing HLSSegment(num=2, init=False, discontinuity=False, duration=2.000, title=None, key=None, byterange=None, date=2026-11-21T03:00:27.210000Z, map=None, fileext='ts')",
        "[stream.hls][debug] Writing segment 1 to output",
        "[stream.hls][debug] Segment 1 complete",
        "[stream.hls][debug] Writing segment 2 to output",
        "[stream.hls][debug] Segment 2 complete",
    ];
    let changes: Vec<PartChange> = lines
        .iter()
        .map(|l| log.apply(&parse(l), &mut info))
        .collect();
    let pdt = Ts::parse_rfc3339("2026-11-21T03:00:25.210Z").unwrap();
    assert!(changes.contains(&PartChange::PdtFirst(pdt)));
    assert_eq!(info.content_start(), Some(pdt));
    assert_eq!(info.content_s, 4.0);
    assert_eq!(info.lead_s, 7.0, "3 segments behind × 2 s + 1 s");
    let disc = parse(
        "[stream.hls][warning] Encountered a stream discontinuity. This is unsupported and will result in incoherent output data.",
    );
    assert_eq!(log.apply(&disc, &mut info), PartChange::Rotate);
}

/// A part that caught up on an old playlist's tail meets the discontinuity with the new
/// encoder's segments queued: the next part starts back at its first.
#[test]
fn the_new_encoders_segments_are_counted_from_the_discontinuity() {
    let mut info = PartInfo::new(3, "p3.ts".into(), Ts(0), 3);
    let mut log = PartLog::default();
    assert_eq!(log.segments_since_discontinuity(), None);
    let queued = |num: u64, disc: bool| LogEvent::Queued {
        num,
        duration: 2.0,
        date: None,
        discontinuity: disc,
    };
    for (num, disc) in [
        (40, false),
        (41, false),
        (42, true),
        (43, false),
        (44, false),
    ] {
        log.apply(&queued(num, disc), &mut info);
    }
    assert_eq!(log.segments_since_discontinuity(), Some(3));
    log.apply(&queued(45, false), &mut info);
    assert_eq!(log.segments_since_discontinuity(), Some(4));
}

#[test]
fn without_pdt_the_start_is_first_byte_minus_lead() {
    let mut info = PartInfo::new(2, "p2.ts".into(), Ts(0), 3);
    info.first_byte_at = Some(Ts(100_000));
    assert_eq!(info.content_start(), Some(Ts(93_000)));
    let mut log = PartLog::default();
    let disc = LogEvent::Discontinuity;
    assert_eq!(
        log.apply(&disc, &mut info),
        PartChange::None,
        "nothing written yet"
    );
}

/// streamlink 8.6.3 under `ulimit -f 300` (a file-size limit; a full disk logs the same):
/// three segments "complete", the error only at its exit. The file held 3.37 s of them.
#[test]
fn a_write_error_leaves_only_what_the_file_holds() {
    let lines = [
        "[stream.hls][debug] First Sequence: 88; Last Sequence: 93",
        "[stream.hls][debug] Start offset: -0.0; Duration: 0.0; Start Sequence: 91; End Sequence: None",
        "[stream.segmented][debug] Queuing HLSSegment(num=91, init=False, discontinuity=False, duration=2.000, title=None, key=None, byterange=None, date=2026-12-07T11:56:33.372000Z, map=None, fileext='ts')",
        "[stream.segmented][debug] Queuing HLSSegment(num=92, init=False, discontinuity=False, duration=2.000, title=None, key=None, byterange=None, date=2026-12-07T11:56:35.372000Z, map=None, fileext='ts')",
        "[stream.segmented][debug] Queuing HLSSegment(num=93, init=False, discontinuity=False, duration=2.000, title=None, key=None, byterange=None, date=2026-12-07T11:56:37.372000Z, map=None, fileext='ts')",
        "[stream.hls][debug] Writing segment 91 to output",
        "[stream.hls][debug] Segment 91 complete",
        "[stream.hls][debug] Writing segment 92 to output",
        "[stream.hls][debug] Segment 92 complete",
        "[stream.segmented][debug] Closing worker thread",
        "[stream.segmented][debug] Closing writer thread",
        "[stream.hls][debug] Writing segment 93 to output",
        "[stream.hls][debug] Segment 93 complete",
        "[cli][info] Stream ended",
        "[cli][info] Closing currently open stream...",
        "error: [Errno 27] File too large",
    ];
    let run = |probed| {
        let mut info = PartInfo::new(1, "p1.ts".into(), Ts(0), 3);
        let mut log = PartLog::default();
        for l in lines {
            log.apply(&parse(l), &mut info);
        }
        log.cap_to_file(&mut info, probed);
        info.content_s
    };
    assert_eq!(run(Some(3.366667)), 3.366667);
    assert_eq!(run(Some(0.0)), 0.0, "nothing readable");
    assert_eq!(run(None), 4.0, "without ffprobe the newest segment is lost");
    // A part that ended cleanly keeps what its log says.
    let mut info = PartInfo::new(1, "p1.ts".into(), Ts(0), 3);
    let mut log = PartLog::default();
    for l in &lines[..lines.len() - 1] {
        log.apply(&parse(l), &mut info);
    }
    log.cap_to_file(&mut info, Some(3.4));
    assert_eq!(info.content_s, 6.0);
}

/// A stored part's status reads back as the same end (a part a full disk cut off was read
/// back as "interrupted": a crash, in the report and for its clips).
#[test]
fn every_stored_status_reads_back() {
    for status in [
        "ended",
        "no_new_video",
        "unreachable",
        "playlist_ended",
        "stalled",
        "deleted",
        "discontinuity",
        "stopped",
        "unwritable",
        "crashed",
        "interrupted",
    ] {
        assert_eq!(PartEnd::from_status(status).as_status(), status);
    }
}
