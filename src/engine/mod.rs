//! The engine: the pure core, and (later) the wiring of actors around it for one channel.

pub mod capture;
pub mod core;
pub mod signals;
pub mod update;
