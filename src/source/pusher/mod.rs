//! The Kick chat over Pusher protocol 7: subscribes to the five channel names, answers
//! pings, pings on silence and drops a dead socket, and follows Pusher's close-code policy.
//! Reconnecting, de-duplication and gap marking are [`crate::source::socket`]'s.

mod conn;

use futures_util::future::BoxFuture;
use tokio::sync::{mpsc, watch};

use super::reconnect::{CloseAction, close_action};
use super::socket::{ChatSource, Ended, Link, Transport};
use super::{ChatState, SourceMsg};

pub use super::socket::{Refresh, SourceExit, SourceOptions as PusherOptions, Target};

/// The Pusher transport.
#[derive(Clone, Copy, Debug, Default)]
pub struct Pusher;

impl Transport for Pusher {
    fn name(&self) -> &'static str {
        "Pusher"
    }

    fn close_action(&self, code: Option<u16>) -> CloseAction {
        close_action(code)
    }

    fn refused_hint(&self) -> &'static str {
        "check [kick] pusher_url (Kick may have changed its Pusher app key)"
    }

    fn connect_once<'a>(
        &'a mut self,
        target: &'a Target,
        link: &'a mut Link,
    ) -> BoxFuture<'a, Ended> {
        Box::pin(conn::connect_once(target, link))
    }
}

/// A chat source on Pusher.
pub struct PusherSource;

impl PusherSource {
    #[allow(clippy::new_ret_no_self)]
    pub fn new(
        opts: PusherOptions,
        tx: mpsc::Sender<SourceMsg>,
        state: watch::Sender<ChatState>,
    ) -> ChatSource {
        ChatSource::new(Box::new(Pusher), opts, tx, state)
    }
}
