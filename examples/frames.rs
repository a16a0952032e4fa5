//! Writes N generated Kick chat frames (one per line) to a file, for profiling replay.
fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(300_000);
    let path = std::env::args()
        .nth(2)
        .unwrap_or("/tmp/frames.jsonl".into());
    let mut out = String::new();
    for i in 0..n {
        out.push_str(&kicktui::bench::kick_chat_frame(
            i,
            1_790_000_000 + (i / 40) as i64,
        ));
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}
