use std::time::{Duration, SystemTime};

use super::remove_stale_parts;

#[test]
fn only_part_files_a_kill_left_long_ago_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let old = SystemTime::now() - Duration::from_secs(3600);
    let make = |name: &str, at: Option<SystemTime>| {
        let path = dir.path().join(name);
        std::fs::write(&path, b"x").unwrap();
        if let Some(at) = at {
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(at)
                .unwrap();
        }
        path
    };
    let stale = [
        make("c_s001_m2.mp4.part", Some(old)),
        make("c_s001_m3.0.mp4.part", Some(old)),
        make("c_s001_m3.txt.part", Some(old)),
    ];
    let kept = [
        make("c_s001_m4.mp4.part", None),
        make("c_s001_m5.mp4", Some(old)),
        make("notes.part", Some(old)),
    ];
    assert_eq!(remove_stale_parts(dir.path()), 3);
    assert!(stale.iter().all(|p| !p.exists()));
    assert!(
        kept.iter().all(|p| p.exists()),
        "a cut under way, a clip, not ours"
    );
    assert_eq!(remove_stale_parts(&dir.path().join("none")), 0);
}
