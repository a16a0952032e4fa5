//! Unit tests that need the inside of the server: a panic in it restarts it and leaves the
//! recording's children alone.

use crate::engine::update::Update;

pub(super) fn maybe_panic(u: &Update) {
    if matches!(u, Update::Note(n) if n == "panic in the metrics server (test)") {
        panic!("a test asked for it");
    }
}
