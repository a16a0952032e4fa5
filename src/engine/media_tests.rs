use super::*;

#[test]
fn a_mark_is_what_the_viewer_saw_unless_the_recording_fell_behind() {
    let key = Ts(600_000);
    // Recording 8 s behind live: the viewer saw that, 3 s before the key.
    assert_eq!(mark_time(key, Some(Ts(592_000)), 3), Ts(589_000));
    // A stalled recording (3 minutes behind) says nothing of what the viewer saw.
    assert_eq!(mark_time(key, Some(Ts(420_000)), 3), Ts(597_000));
    assert_eq!(mark_time(key, None, 3), Ts(597_000));
    // Never after the key.
    assert_eq!(mark_time(key, Some(Ts(601_000)), 0), key);
}

#[test]
fn a_recording_that_cannot_write_says_nothing_of_what_the_viewer_saw() {
    let mut part = crate::media::PartInfo::new(1, "p1.ts".into(), Ts(0), 3);
    part.first_byte_at = Some(Ts(10_000));
    part.content_s = 500.0;
    let mut status = RecordingStatus {
        state: RecState::Recording,
        parts: vec![part],
        ..RecordingStatus::default()
    };
    // First byte 10 s in, 7 s of live edge before it, 500 s of content.
    assert_eq!(keeping_up(&status), Some(Ts(503_000)));
    status.state = RecState::Unwritable("No space left on device".into());
    assert_eq!(keeping_up(&status), None);
    status.state = RecState::Stalled;
    assert_eq!(keeping_up(&status), None);
}
