// TEMP STUB header (decode branch brings the real one).
pub mod dedup;
pub mod kick;
pub mod pusher;
pub mod reconnect;
