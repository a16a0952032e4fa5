//! A panic kills every tracked child. Its own test binary: the hook is process-wide and would
//! kill the children of tests running beside it.

use kicktui::media::children::{self, Tracked};

#[tokio::test]
async fn a_panic_kills_every_tracked_child() {
    children::install_panic_hook();
    let t = Tracked::spawn(tokio::process::Command::new("sleep").arg("60")).unwrap();
    let pid = t.pid;
    std::mem::forget(t);
    let r = std::panic::catch_unwind(|| panic!("boom"));
    assert!(r.is_err());
    // SIGKILLed by the hook: gone, or a zombie nobody reaped (we forgot the handle).
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    assert!(stat.is_empty() || stat.contains(") Z"), "{stat}");
}
