//! The engine: the pure core, and the wiring of actors around it for one channel.

pub mod bandit_file;
pub mod capture;
pub mod channel;
pub mod chat;
mod chat_counts;
pub mod copilot;
pub mod core;
mod effect;
pub mod engage;
pub mod engage_report;
pub mod feed;
pub mod live;
mod live_state;
pub mod media;
pub mod record_session;
mod recovery;
mod resume;
pub mod runner;
pub mod sessions;
pub mod signals;
pub mod sources;
pub mod stream_probe;
mod supervised;
pub mod twitch_sources;
pub mod twitch_status;
pub mod update;
pub mod view;
