//! Twitch chat exports for `kicktui replay`, detected from the first bytes: a TwitchDownloader
//! JSON document (`{…, "video": {…}, "comments": […]}`), a chat-downloader JSON array, an
//! array of Twitch API v5 comments (RechatTool, the old rechat downloads), or chat-downloader
//! JSONL; or a capture of Twitch chat (`--capture`: `{"recv", "frame": "IRC
//! text"}` lines). Documents stream: one comment is in memory at a time. A comment that
//! cannot be read counts as an error and the rest goes on; a document cut off mid-way counts
//! one error and keeps what came before.

mod capture;
mod chat_downloader;
mod items;
#[cfg(test)]
mod tests;

use std::fmt;
use std::io::BufRead;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::lines::LineItem;
use super::pipeline::{for_each_line, overlong_line};
use super::{ReplayReport, Replayer};
use crate::config::Config;
use crate::domain::{Event, MsgId, Ts};
use crate::source::kick::DedupKey;
use crate::source::twitch::map::GiftFolder;
use chat_downloader::CdItem;
use items::Comment;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    TwitchDownloader,
    /// A JSON array: chat-downloader messages or Twitch API v5 comments.
    ChatDownloaderArray,
    ChatDownloaderLines,
    /// kicktui's own capture of a Twitch chat: the frame is the IRC text as a JSON string.
    TwitchCapture,
}

/// Which export `peek` (the start of the input) is, or `None` for kicktui's own line formats.
pub fn detect(peek: &[u8]) -> Option<ExportKind> {
    let peek = peek.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(peek);
    let start = peek.iter().position(|b| !b.is_ascii_whitespace())?;
    let body = &peek[start..];
    let first_line = body.split(|b| *b == b'\n').next().unwrap_or(body);
    let first_line = String::from_utf8_lossy(first_line);
    let line = first_line.trim();
    if line.starts_with('[') {
        return Some(ExportKind::ChatDownloaderArray);
    }
    let after_brace = line.strip_prefix('{')?.trim_start();
    // A document pretty-printed over many lines, or a one-line document led by its known keys.
    let doc_keys = ["\"FileInfo\"", "\"streamer\"", "\"comments\"", "\"video\""];
    if after_brace.is_empty() || doc_keys.iter().any(|k| after_brace.starts_with(k)) {
        return Some(ExportKind::TwitchDownloader);
    }
    // A peek through a pipe may hold only the start of a long first line.
    let whole = body.contains(&b'\n');
    if is_twitch_capture(line, whole) {
        return Some(ExportKind::TwitchCapture);
    }
    let ours = ["\"ts\"", "\"recv\"", "\"event\""];
    let cd = line.contains("\"message_type\"")
        || (line.contains("\"timestamp\"") && line.contains("\"author\""));
    (cd && !ours.iter().any(|k| after_brace.starts_with(k)))
        .then_some(ExportKind::ChatDownloaderLines)
}

/// `{"recv": …, "frame": "IRC text"}` however it is spaced or ordered (Kick's captured frame
/// is an object, not a string). A line cut short (`whole` false) is judged by its text.
fn is_twitch_capture(line: &str, whole: bool) -> bool {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
        return v["recv"].is_string() && v["frame"].is_string();
    }
    !whole && line.contains("\"recv\"") && frame_is_text(line)
}

/// `"frame"`, a colon, then a string (not `{`), spaces allowed between.
fn frame_is_text(line: &str) -> bool {
    line.split_once("\"frame\"").is_some_and(|(_, rest)| {
        rest.trim_start()
            .strip_prefix(':')
            .is_some_and(|v| v.trim_start().starts_with('"'))
    })
}

/// Replays an export of `kind` from `input`.
pub fn run(
    kind: ExportKind,
    mut input: impl BufRead,
    cfg: &Config,
) -> std::io::Result<ReplayReport> {
    let mut feed = Feed {
        r: Replayer::new(cfg),
        gifts: GiftFolder::default(),
        video_start: None,
        v5_array: None,
    };
    match kind {
        ExportKind::TwitchCapture => capture::run(&mut feed, input)?,
        ExportKind::ChatDownloaderLines => feed.each_line(&mut input, |feed, buf| {
            match serde_json::from_slice::<CdItem>(buf) {
                Ok(item) => feed.cd_item(&item),
                Err(e) => feed.r.error(format!("chat-downloader line: {e}")),
            }
        })?,
        ExportKind::ChatDownloaderArray | ExportKind::TwitchDownloader => {
            let mut de = serde_json::Deserializer::from_reader(input);
            let outcome = match kind {
                ExportKind::TwitchDownloader => DocSeed { feed: &mut feed }.deserialize(&mut de),
                _ => de.deserialize_seq(ItemsVisitor {
                    feed: &mut feed,
                    what: Items::ChatDownloader,
                }),
            };
            if let Err(e) = outcome.and_then(|()| de.end()) {
                if e.is_io() {
                    return Err(e.into());
                }
                feed.r.report.stats.lines += 1;
                feed.r
                    .error(format!("the export stops being readable JSON: {e}"));
            }
        }
    }
    Ok(feed.r.finish())
}

struct Feed {
    r: Replayer,
    gifts: GiftFolder,
    /// `video.created_at`: comment offsets count from it.
    video_start: Option<Ts>,
    /// A top-level array's kind, from its first message (v5 comments or chat-downloader):
    /// the rest are not looked at twice.
    v5_array: Option<bool>,
}

impl Feed {
    /// Each line of JSON Lines `input` but blank ones, counted and handed to `each`; one over
    /// the replay's cap is counted and skipped unread.
    fn each_line(
        &mut self,
        input: impl BufRead,
        mut each: impl FnMut(&mut Feed, &[u8]),
    ) -> std::io::Result<()> {
        for_each_line(input, |buf| {
            match buf {
                Some(buf) if buf.iter().all(u8::is_ascii_whitespace) => {}
                Some(buf) => {
                    self.r.report.stats.lines += 1;
                    each(self, buf);
                }
                None => {
                    self.r.report.stats.lines += 1;
                    self.r.error(overlong_line());
                }
            }
            true
        })
    }

    fn push(&mut self, at: Ts, events: Vec<Event>, id: Option<&str>) {
        for (i, event) in events.into_iter().enumerate() {
            // Only the first event of an item (the chat line) carries its id.
            let key = id
                .filter(|_| i == 0)
                .map(|id| DedupKey::Message(MsgId::parse(id)));
            let at = Some(at);
            self.r.item(Ok(LineItem::Event { at, event, key }));
        }
    }

    fn comment(&mut self, raw: &RawValue) {
        self.r.report.stats.lines += 1;
        let parsed = serde_json::from_str::<Comment>(raw.get())
            .map_err(|e| e.to_string())
            .and_then(|c| {
                let at = items::comment_time(&c, self.video_start)?;
                let events = items::comment_events(&c, &mut self.gifts)?;
                Ok((at, events, c.id))
            });
        match parsed {
            Ok((at, events, id)) => self.push(at, events, id.as_deref()),
            Err(e) => self.r.error(format!("comment: {e}")),
        }
    }

    /// An element of a top-level array: a chat-downloader message, or a Twitch API v5 comment
    /// (such arrays may lead with their video, whose `recorded_at` the offsets count from).
    fn array_item(&mut self, raw: &RawValue) {
        match self.v5_array {
            Some(true) => return self.comment(raw),
            Some(false) => return self.cd_raw(raw),
            None => {}
        }
        match serde_json::from_str::<ArrayElement>(raw.get()) {
            Ok(e) if e.content_offset_seconds.is_some() => {
                self.v5_array = Some(true);
                self.comment(raw);
            }
            Ok(e) if e.broadcast_type.is_some() || e.recorded_at.is_some() => {
                let start = e.recorded_at.or(e.created_at);
                let start = start.as_deref().and_then(Ts::parse_rfc3339);
                self.video_start = self.video_start.or(start);
            }
            Ok(_) => {
                self.v5_array = Some(false);
                self.cd_raw(raw);
            }
            Err(_) => self.cd_raw(raw),
        }
    }

    fn cd_raw(&mut self, raw: &RawValue) {
        self.r.report.stats.lines += 1;
        match serde_json::from_str::<CdItem>(raw.get()) {
            Ok(item) => self.cd_item(&item),
            Err(e) => self.r.error(format!("chat-downloader message: {e}")),
        }
    }

    fn cd_item(&mut self, item: &CdItem) {
        match chat_downloader::cd_events(item, &mut self.gifts) {
            Ok((at, events)) => self.push(at, events, item.message_id.as_deref()),
            Err(e) => self.r.error(format!("chat-downloader message: {e}")),
        }
    }
}

/// The top-level TwitchDownloader object: `video` gives the start, `comments` stream.
struct DocSeed<'a> {
    feed: &'a mut Feed,
}

impl<'de> DeserializeSeed<'de> for DocSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

/// What tells the elements of a top-level array apart.
#[derive(Deserialize)]
struct ArrayElement {
    #[serde(default)]
    content_offset_seconds: Option<IgnoredAny>,
    #[serde(default)]
    broadcast_type: Option<IgnoredAny>,
    #[serde(default)]
    recorded_at: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
}

#[derive(Deserialize)]
struct Video {
    #[serde(default)]
    created_at: Option<String>,
}

impl<'de> Visitor<'de> for DocSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a TwitchDownloader chat document")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "video" => {
                    let v: Option<Video> = map.next_value()?;
                    let start = v
                        .and_then(|v| v.created_at)
                        .and_then(|s| Ts::parse_rfc3339(&s));
                    self.feed.video_start = self.feed.video_start.or(start);
                }
                "comments" => map.next_value_seed(ItemsSeed {
                    feed: self.feed,
                    what: Items::Comments,
                })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum Items {
    Comments,
    ChatDownloader,
}

struct ItemsSeed<'a> {
    feed: &'a mut Feed,
    what: Items,
}

impl<'de> DeserializeSeed<'de> for ItemsSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(ItemsVisitor {
            feed: self.feed,
            what: self.what,
        })
    }
}

struct ItemsVisitor<'a> {
    feed: &'a mut Feed,
    what: Items,
}

impl<'de> Visitor<'de> for ItemsVisitor<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of chat messages")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // Each element is held raw, so a bad one is an error of its own, not of the document.
        while let Some(raw) = seq.next_element::<Box<RawValue>>()? {
            match self.what {
                Items::Comments => self.feed.comment(&raw),
                Items::ChatDownloader => self.feed.array_item(&raw),
            }
        }
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}
