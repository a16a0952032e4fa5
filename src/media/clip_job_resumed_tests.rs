use super::*;
use crate::media::part::{PartEnd, PartInfo};
use crate::store::RecordingRow;

/// Whether `job` can be cut from `status`, the recording finished.
async fn finished_readiness(job: &mut Job, status: &RecordingStatus) -> Readiness {
    let wait = Duration::from_secs(120);
    readiness(job, status, true, "ffprobe", wait, &mut HashMap::new()).await
}

/// The crashed run's part 1 (no sidecar) is unreadable (a crash within its first
/// segment); the resumed run recorded part 2, which ended. A moment inside part 2 is cut
/// from part 2, not from part 1 taken for a part still growing.
#[tokio::test]
async fn an_unreadable_earlier_part_does_not_swallow_later_windows() {
    let dir = tempfile::tempdir().unwrap();
    let t0 = Ts(1_796_378_400_000);
    let p1 = dir.path().join("x_s001_p1.ts");
    std::fs::write(&p1, [0x47u8; 300]).unwrap();
    let row = |part: u32, path: &std::path::Path| RecordingRow {
        id: i64::from(part),
        session_id: 1,
        part,
        path: path.display().to_string(),
        started_at: t0,
        ended_at: Some(t0.plus_secs(300.0)),
        bytes: 300,
        status: "interrupted".into(),
        first_byte_at: Some(t0.plus_secs(1.0)),
        pdt_first_at: None,
    };
    // A part whose file is gone is not cut from, but a window it held waits for the
    // file (left pending), it is not "no recording".
    let gone_path = dir.path().join("gone.ts");
    let gone = RecordingStatus::after_earlier_run(&[row(1, &gone_path)]);
    assert!(gone.parts.is_empty());
    assert_eq!(gone.part, 1, "the next part is still 2");
    let mut held = Job {
        id: 9,
        req: ClipRequest::window(t0.plus_secs(100.0), t0.plus_secs(130.0)),
        announced_waiting: false,
        last_probe: None,
    };
    let waits = finished_readiness(&mut held, &gone).await;
    assert!(
        matches!(&waits, Readiness::FileMissing(p) if *p == gone_path),
        "left pending for the missing file"
    );
    held.req = ClipRequest::window(t0.plus_secs(400.0), t0.plus_secs(430.0));
    let after = finished_readiness(&mut held, &gone).await;
    assert!(matches!(after, Readiness::NoRecording), "after it: none");
    // A part that never had a byte (streamlink never made its file) is not missing.
    let never = RecordingRow {
        bytes: 0,
        first_byte_at: None,
        status: "empty".into(),
        ..row(2, &dir.path().join("never.ts"))
    };
    assert!(
        RecordingStatus::after_earlier_run(&[never])
            .missing
            .is_empty()
    );
    let mut status = RecordingStatus::after_earlier_run(&[row(1, &p1)]);
    let p2_path = dir.path().join("x_s001_p2.ts");
    std::fs::write(&p2_path, b"ts").unwrap();
    let mut p2 = PartInfo::new(2, p2_path, t0.plus_secs(900.0), 6);
    p2.pdt_first = Some(t0.plus_secs(890.0));
    p2.first_byte_at = Some(t0.plus_secs(901.0));
    p2.bytes = 9_000_000;
    p2.content_s = 600.0;
    p2.ended_at = Some(t0.plus_secs(1500.0));
    p2.end = Some(PartEnd::Stopped);
    status.parts.push(p2);
    status.part = 2;
    let mut job = Job {
        id: 1,
        req: ClipRequest::window(t0.plus_secs(1000.0), t0.plus_secs(1030.0)),
        announced_waiting: false,
        last_probe: None,
    };
    let r = finished_readiness(&mut job, &status).await;
    let Readiness::Cut(pieces) = r else {
        panic!("not cut")
    };
    let parts: Vec<(u32, f64, f64)> = pieces.iter().map(|p| (p.part, p.from, p.to)).collect();
    assert_eq!(parts, vec![(2, 110.0, 140.0)], "{pieces:?}");
}
