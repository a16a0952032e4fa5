use std::time::{Duration, SystemTime};

use super::*;

fn make(dir: &Path, name: &str, at: Option<SystemTime>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, b"x").unwrap();
    if let Some(at) = at {
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(at)
            .unwrap();
    }
    path
}

/// A kill's leftovers go at once, however fresh; a cut a running kicktui holds stays, with
/// its pieces and list.
#[tokio::test]
async fn only_cuts_no_one_holds_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let old = SystemTime::now() - Duration::from_secs(3600);
    let left = [
        make(d, "c_s001_m2.mp4.part", None),
        make(d, "c_s001_m3.mp4.part", None),
        make(d, "c_s001_m3.0.mp4.part", None),
        make(d, "c_s001_m3.txt.part", None),
        // An older kicktui's piece, no lock to ask: by its age.
        make(d, "c_s001_m6.1.mp4.part", Some(old)),
    ];
    let held = claim(&d.join("c_s001_m4.mp4.part")).await.unwrap();
    // A running cut whose name looks like a piece of a cut a kill left.
    make(d, "c_s001_x.mp4.part", None);
    let held_too = claim(&d.join("c_s001_x.5.mp4.part")).await.unwrap();
    let kept = [
        d.join("c_s001_m4.mp4.part"),
        make(d, "c_s001_m4.0.mp4.part", Some(old)),
        make(d, "c_s001_m4.txt.part", Some(old)),
        make(d, "c_s001_m7.1.mp4.part", None),
        make(d, "c_s001_m5.mp4", Some(old)),
        make(d, "notes.part", Some(old)),
        d.join("c_s001_x.5.mp4.part"),
    ];
    assert_eq!(remove_stale_parts(d), 6);
    assert!(left.iter().all(|p| !p.exists()));
    assert!(
        kept.iter().all(|p| p.exists()),
        "a cut under way, a young piece of an older kicktui, a clip, not ours"
    );
    // The same clip cut again takes over the file a kill left; not while it is held.
    let again = make(d, "c_s001_m8.mp4.part", None);
    drop(claim(&again).await.unwrap());
    assert!(claim(&d.join("c_s001_m4.mp4.part")).await.is_err());
    drop((held, held_too));
    assert!(claim(&d.join("c_s001_m4.mp4.part")).await.is_ok());
    assert_eq!(remove_stale_parts(&d.join("none")), 0);
}

#[test]
fn a_parts_cut_is_named_by_its_mp4_part() {
    assert_eq!(owner("a_m1.mp4.part").as_deref(), Some("a_m1.mp4.part"));
    assert_eq!(owner("a_m1.12.mp4.part").as_deref(), Some("a_m1.mp4.part"));
    assert_eq!(owner("a_m1.txt.part").as_deref(), Some("a_m1.mp4.part"));
    assert_eq!(owner("a_1.5s.mp4.part").as_deref(), Some("a_1.5s.mp4.part"));
    assert_eq!(owner("a.mp4"), None);
}
