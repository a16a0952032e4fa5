//! Replaying a capture of Twitch chat: `{"recv": RFC3339, "frame": "raw IRC text"}` per line,
//! through the same IRC parser, de-duplication and mapping as the live source.

use std::io::BufRead;

use serde::Deserialize;

use super::Feed;
use crate::domain::{Event, Ts};
use crate::replay::lines::LineItem;
use crate::source::twitch::{Mapper, irc, map};

#[derive(Deserialize)]
struct Line {
    recv: String,
    frame: String,
}

pub(super) fn run(feed: &mut Feed, input: impl BufRead) -> std::io::Result<()> {
    let mut mapper = Mapper::new();
    let mut events = Vec::new();
    feed.each_line(input, |feed, buf| {
        capture_line(feed, &mut mapper, &mut events, buf)
    })
}

fn capture_line(feed: &mut Feed, mapper: &mut Mapper, events: &mut Vec<Event>, buf: &[u8]) {
    let line = match serde_json::from_slice::<Line>(buf) {
        Ok(l) => l,
        Err(e) => {
            feed.r.error(format!("twitch capture line: {e}"));
            return;
        }
    };
    let Some(at) = Ts::parse_rfc3339(&line.recv) else {
        feed.r.error(format!("bad capture time {:?}", line.recv));
        return;
    };
    for text in irc::lines(&line.frame) {
        let m = match irc::parse(text) {
            Ok(m) => m,
            Err(e) => {
                feed.r.error(format!("twitch: {e}"));
                continue;
            }
        };
        // Before mapping, as live: a repeated gift line must not touch the gift folding.
        if let Some(k) = map::dedup_key(&m)
            && feed.r.duplicate(&k)
        {
            continue;
        }
        if let Err(e) = mapper.map(&m, events) {
            feed.r.error(format!("twitch: {e}"));
        }
        for event in events.drain(..) {
            feed.r.item(Ok(LineItem::Event {
                at: Some(at),
                event,
                key: None,
            }));
        }
    }
}
