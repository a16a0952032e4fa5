//! The metrics server's listener: at most `MAX_CONNECTIONS` connections at once, each closed
//! after `IDLE` without a byte either way. A program that opens connections and sends nothing
//! could otherwise hold them forever and take every file descriptor of the process, and with
//! them the recording's next streamlink and every clip's ffmpeg.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// Connections at once (dashboards, `/api/state` callers, the page's files): the 256
/// WebSocket clients and room for page loads beside them.
pub const MAX_CONNECTIONS: usize = 512;
/// A connection with no byte read or written for this long is closed: a WebSocket whose
/// client stopped reading altogether (a dashboard gets a message every tick, so a live one is
/// never idle this long), a response nobody reads. A request's head has its own, shorter
/// deadline (`http::HEADER_READ`), since a byte every few seconds is not idle.
pub const IDLE: Duration = Duration::from_secs(30);

pub struct CappedListener {
    inner: TcpListener,
    slots: Arc<Semaphore>,
    idle: Duration,
    accept_errors: u64,
}

impl CappedListener {
    pub fn new(inner: TcpListener, max: usize, idle: Duration) -> CappedListener {
        CappedListener {
            inner,
            slots: Arc::new(Semaphore::new(max)),
            idle,
            accept_errors: 0,
        }
    }

    /// The next connection, once a slot is free. Cancel-safe: a slot taken by an accept
    /// given up goes back with it.
    pub async fn accept(&mut self) -> (IdleLimited, std::net::SocketAddr) {
        // At the limit, new connections wait in the kernel's queue until one closes (a silent
        // or slow one goes within `HEADER_READ` or `IDLE`).
        let slot = match self.slots.clone().acquire_owned().await {
            Ok(slot) => slot,
            // Never closed; waiting forever is what a closed semaphore would deserve.
            Err(_) => std::future::pending().await,
        };
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => return (IdleLimited::new(stream, slot, self.idle), addr),
                Err(e) if is_connection_error(&e) => {}
                Err(e) => {
                    // Out of file descriptors, say: logged at powers of two, not every second.
                    self.accept_errors += 1;
                    if self.accept_errors.is_power_of_two() {
                        tracing::error!(
                            "dashboard: cannot accept a connection ({} time(s)): {e}",
                            self.accept_errors
                        );
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// A connection that fails with `TimedOut` once `idle` passes with no byte moved, and gives
/// its slot back when dropped.
pub struct IdleLimited {
    stream: TcpStream,
    idle: Duration,
    deadline: Pin<Box<Sleep>>,
    _slot: OwnedSemaphorePermit,
}

impl IdleLimited {
    fn new(stream: TcpStream, slot: OwnedSemaphorePermit, idle: Duration) -> IdleLimited {
        IdleLimited {
            stream,
            idle,
            deadline: Box::pin(tokio::time::sleep(idle)),
            _slot: slot,
        }
    }

    fn moved(&mut self) {
        self.deadline.as_mut().reset(Instant::now() + self.idle);
    }

    /// While waiting: whether the connection has been idle too long.
    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        self.deadline.as_mut().poll(cx).is_ready()
    }
}

fn timed_out() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "no traffic on the connection")
}

impl AsyncRead for IdleLimited {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.stream).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.moved();
                }
                Poll::Ready(Ok(()))
            }
            Poll::Pending if this.expired(cx) => Poll::Ready(Err(timed_out())),
            other => other,
        }
    }
}

impl AsyncWrite for IdleLimited {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.stream).poll_write(cx, data) {
            Poll::Ready(Ok(n)) => {
                if n > 0 {
                    this.moved();
                }
                Poll::Ready(Ok(n))
            }
            Poll::Pending if this.expired(cx) => Poll::Ready(Err(timed_out())),
            other => other,
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
