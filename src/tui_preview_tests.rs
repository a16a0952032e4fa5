use super::*;

fn feed(input: impl BufRead) -> Feed<impl BufRead> {
    Feed::new(&Config::default(), "t", input, 1.0, Path::new("t.jsonl"))
}

/// A reader whose every read fails (a directory opened as a file does this).
struct Broken;
impl std::io::Read for Broken {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("Is a directory"))
    }
}

#[test]
fn a_log_that_cannot_be_read_ends_instead_of_spinning() {
    let mut f = feed(BufReader::new(Broken));
    f.read_next();
    assert!(f.next.is_none());
    assert_eq!(f.errors, 1);
}

#[test]
fn a_line_that_is_not_utf8_is_skipped() {
    let mut input = b"\xff\xfe\n".to_vec();
    input.extend_from_slice(br#"{"ts": 100.0, "user": "a", "text": "hi"}"#);
    let mut f = feed(&input[..]);
    f.read_next();
    assert_eq!(f.errors, 1);
    assert!(matches!(f.next, Some((_, Event::Chat(_)))));
}

#[test]
fn a_directory_and_a_twitch_export_are_refused_with_why() {
    let dir = tempfile::tempdir().unwrap();
    let err = open_log(dir.path()).unwrap_err();
    assert!(err.contains("is a directory"), "{err}");
    let export = dir.path().join("vod.json");
    std::fs::write(&export, r#"{"video": {}, "comments": []}"#).unwrap();
    let err = open_log(&export).unwrap_err();
    assert!(err.contains("kicktui replay"), "{err}");
    let ours = dir.path().join("chat.jsonl");
    std::fs::write(&ours, r#"{"ts": 1.0, "user": "a", "text": "hi"}"#).unwrap();
    assert!(open_log(&ours).is_ok());
}

#[test]
fn a_stream_start_in_log_time_moves_onto_the_simulated_clock() {
    let mut f = feed(&b""[..]);
    let log0 = Ts(1_700_000_000_000);
    f.log0 = Some(log0);
    let live = Event::Live {
        title: None,
        started_at: Some(log0.plus_ms(-10_000)),
        stream_id: Some(7),
    };
    let Event::Live { started_at, .. } = f.on_sim_clock(live) else {
        panic!("not live");
    };
    assert_eq!(started_at, Some(f.sim0.plus_ms(-10_000)));
    let off = Event::Offline {
        ended_at: Some(log0.plus_ms(5_000)),
        stream_id: None,
    };
    let Event::Offline { ended_at, .. } = f.on_sim_clock(off) else {
        panic!("not offline");
    };
    assert_eq!(ended_at, Some(f.sim0.plus_ms(5_000)));
}
