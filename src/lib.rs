//! kicktui: a terminal control room for a live stream. The library holds the pure core
//! (decoding, detection) and the actors; `main.rs` is only the command line.
#![forbid(unsafe_code)]

pub mod advisor;
pub mod app;
pub mod bench;
pub mod bot;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod detect;
pub mod doctor;
pub mod domain;
pub mod engage;
pub mod engine;
pub mod eval;
pub mod fake;
pub mod fd_limit;
pub mod headless;
pub mod http_body;
pub mod kickapi;
pub mod log_file;
pub mod logging;
pub mod media;
pub mod notify;
pub mod present;
pub mod redact;
pub mod replay;
pub mod run_lock;
pub mod serve;
pub mod source;
pub mod store;
pub mod supervise;
pub mod term;
pub mod terminal_text;
#[doc(hidden)]
pub mod test_logs;
pub mod text_fit;
pub mod time;
pub mod tui_live;
pub mod tui_preview;
pub mod twitchapi;
pub mod ui;
