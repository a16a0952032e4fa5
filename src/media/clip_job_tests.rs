use super::*;

#[test]
fn names_never_overwrite_and_windows_follow_the_moment() {
    let dir = tempfile::tempdir().unwrap();
    let mut req = ClipRequest::around(Ts(100_000), 45.0, 10.0);
    assert_eq!(req.duration(), 55.0);
    req.moment_id = Some(7);
    let p = clip_path(dir.path(), "xqc", 5, &req);
    assert!(p.ends_with("xqc_s005_m7.mp4"), "{}", p.display());
    std::fs::write(&p, b"x").unwrap();
    let p2 = clip_path(dir.path(), "xqc", 5, &req);
    assert!(p2.ends_with("xqc_s005_m7-2.mp4"), "{}", p2.display());
    assert_eq!(ClipState::Waiting.store_status(), ClipStatus::Waiting);
    assert_eq!(ClipState::Failed("x".into()).label(), "failed: x");
}
