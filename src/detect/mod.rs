//! Pure detectors: no I/O, no clock. Time comes in with every call, so replay is exactly the
//! live behaviour and tests drive time explicitly.

pub mod clip_requests;
pub mod emote_words;
pub mod emotes;
pub mod events;
pub mod filter;
pub mod keywords;
pub mod moments;
pub mod peak;
pub mod peak_model;
pub mod velocity;
