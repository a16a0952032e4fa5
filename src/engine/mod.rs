//! The engine: the pure core, and (later) the wiring of actors around it for one channel.

pub mod core;
pub mod update;
