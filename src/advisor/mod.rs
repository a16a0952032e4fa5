//! The co-pilot: an optional language model that reads the stream's state every few minutes
//! and answers through tools (suggest an activity, a talking point, a moment to mark, a chat
//! line). The model advises, the streamer decides: every tool call is validated, free text is
//! only shown, and nothing is acted on without a key press in the front end.
//!
//! Off by default. [`spawn`] starts the actor; it reads the engine's latest
//! [`View`](crate::engine::view::View), sends [`Advice`] on a channel, records each call in the
//! `advice` table and tracks whether a suggestion was followed.

mod actor;
pub mod budget;
pub mod follow;
pub mod input;
pub mod key;
pub mod provider;
pub mod tools;

pub use actor::{Advice, AdvisorCmd, AdvisorHandle, AdvisorSetup, AdvisorStatus, spawn};
pub use key::ApiKey;
pub use tools::ToolCall;

#[cfg(test)]
mod actor_tests;
