use super::*;

/// A moment's clip cut again goes over its earlier (short) clip, or over a file a killed cut
/// left under its name; an older file under that name, or a plain window's, is never
/// overwritten.
#[test]
fn a_moment_cut_again_replaces_its_clip_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    // A window that began a minute ago: files written now are newer than it.
    let now = crate::time::wall_now();
    let mut req = ClipRequest::around(now.plus_secs(-60.0), 45.0, 10.0);
    req.moment_id = Some(4);
    let base = clip_base_path(dir.path(), "xqc", 1, &req);
    std::fs::write(&base, b"short clip").unwrap();
    assert_eq!(
        output_path(dir.path(), "xqc", 1, &req),
        base,
        "left by a killed cut"
    );
    let mut again = req.clone();
    again.replaces = Some(base.clone());
    assert_eq!(output_path(dir.path(), "xqc", 1, &again), base);
    // The earlier clip is gone (moved away by hand) and the file under its name is older
    // than the window (a database started afresh): a fresh name.
    again.replaces = Some(dir.path().join("gone.mp4"));
    again.start = now.plus_secs(3600.0);
    assert!(output_path(dir.path(), "xqc", 1, &again).ends_with("xqc_s001_m4-2.mp4"));
    let mut window = req.clone();
    window.moment_id = None;
    window.name = Some("m4".into());
    assert!(output_path(dir.path(), "xqc", 1, &window).ends_with("xqc_s001_m4-2.mp4"));
}

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
