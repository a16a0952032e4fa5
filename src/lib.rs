//! kicktui: a terminal control room for a live stream. The library holds the pure core
//! (decoding, detection) and the actors; `main.rs` is only the command line.
#![forbid(unsafe_code)]

pub mod config;
pub mod domain;
pub mod source;
pub mod time;
