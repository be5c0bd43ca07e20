//! The accept loop: a connection first has its request head read here, under a
//! deadline and a size cap, in a bounded pool that sheds its oldest member when it
//! is full; only a connection with a whole head takes one of the `max_connections`
//! serving slots and is handed to hyper's HTTP/1 connection.
//!
//! Why by hand: `axum::serve` bounds nothing, and a plain cap on connections is
//! what a slow-header client (slowloris) exhausts: thousands of connections sending
//! their headers a byte at a time hold every slot, and a person's request is
//! refused. Here such connections wait in the head pool, where an honest client
//! stays for a round trip and a slow one is the oldest and is dropped first when
//! room is needed. hyper's own `header_read_timeout` still bounds the heads of
//! later requests on a kept-alive connection.

use std::collections::BTreeMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use crate::State;

/// What a connection is told when no serving slot is free.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
retry-after: 1\r\nconnection: close\r\ncontent-length: 49\r\n\r\n\
{\"error\": \"too many connections; try again soon\"}";

/// What a connection is told when its request head is larger than [`MAX_HEAD`].
const TOO_LARGE: &[u8] =
    b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: application/json\r\n\
connection: close\r\ncontent-length: 46\r\n\r\n\
{\"error\": \"the request headers are too large\"}";

/// Largest request head (request line and headers) accepted.
pub const MAX_HEAD: usize = 32 << 10;

/// Connections whose heads are being read, oldest first, so that the oldest can be
/// dropped when the pool is full.
#[derive(Default)]
struct HeadPool {
    next: u64,
    waiting: BTreeMap<u64, tokio::task::AbortHandle>,
}

pub async fn run(
    listener: TcpListener,
    app: State,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let slots = Arc::new(Semaphore::new(app.max_connections));
    let max_heads = app.max_heads.max(1);
    let header_timeout = app.header_timeout;
    let heads = Arc::new(Mutex::new(HeadPool::default()));
    let router = crate::router(app);
    tokio::pin!(shutdown);
    loop {
        let (stream, _peer) = tokio::select! {
            _ = &mut shutdown => return Ok(()),
            r = listener.accept() => match r {
                Ok(c) => c,
                Err(e) => {
                    // Out of file descriptors (or a transient network error): make
                    // room by shedding the oldest head, wait a little, go on.
                    tracing::warn!("accept: {e}");
                    shed_oldest(&heads);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let slots = slots.clone();
        let router = router.clone();
        let pool = heads.clone();
        let mut p = heads.lock().unwrap_or_else(|e| e.into_inner());
        while p.waiting.len() >= max_heads {
            if let Some((_, oldest)) = p.waiting.pop_first() {
                oldest.abort();
            }
        }
        let id = p.next;
        p.next += 1;
        let task = tokio::spawn(async move {
            let head = tokio::time::timeout(header_timeout, read_head(stream)).await;
            pool.lock().unwrap_or_else(|e| e.into_inner()).waiting.remove(&id);
            let (stream, head) = match head {
                Ok(Ok(Head::Whole(stream, head))) => (stream, head),
                Ok(Ok(Head::TooLarge(stream))) => {
                    let _ = stream.try_write(TOO_LARGE);
                    return;
                }
                // Closed, failed or out of time: nothing to answer.
                _ => return,
            };
            let Ok(slot) = slots.try_acquire_owned() else {
                let _ = stream.try_write(BUSY);
                return;
            };
            let _slot = slot;
            let io = Prefixed { head, at: 0, stream };
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .keep_alive(true)
                .serve_connection(TokioIo::new(io), TowerToHyperService::new(router));
            if let Err(e) = conn.await {
                tracing::debug!("connection: {e}");
            }
        });
        p.waiting.insert(id, task.abort_handle());
        drop(p);
    }
}

fn shed_oldest(heads: &Mutex<HeadPool>) {
    if let Some((_, oldest)) = heads.lock().unwrap_or_else(|e| e.into_inner()).waiting.pop_first() {
        oldest.abort();
    }
}

enum Head {
    /// The stream and every byte read from it, up to and past the end of the head.
    Whole(TcpStream, Vec<u8>),
    TooLarge(TcpStream),
}

/// Reads until the blank line that ends a request head (or a bare-LF one), at most
/// [`MAX_HEAD`] bytes; the bytes are kept for hyper to parse.
async fn read_head(mut stream: TcpStream) -> io::Result<Head> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let from = buf.len().saturating_sub(3);
        buf.extend_from_slice(&chunk[..n]);
        if head_ends(&buf[from..]) {
            return Ok(Head::Whole(stream, buf));
        }
        if buf.len() > MAX_HEAD {
            return Ok(Head::TooLarge(stream));
        }
    }
}

fn head_ends(b: &[u8]) -> bool {
    b.windows(4).any(|w| w == b"\r\n\r\n") || b.windows(2).any(|w| w == b"\n\n")
}

/// A stream that first yields bytes already read from it.
struct Prefixed {
    head: Vec<u8>,
    at: usize,
    stream: TcpStream,
}

impl AsyncRead for Prefixed {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.at < self.head.len() {
            let n = (self.head.len() - self.at).min(buf.remaining());
            let at = self.at;
            buf.put_slice(&self.head[at..at + n]);
            self.at += n;
            if self.at == self.head.len() {
                self.head = Vec::new();
                self.at = 0;
            }
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Prefixed {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canned_answers_have_the_right_length() {
        for canned in [BUSY, TOO_LARGE] {
            let text = std::str::from_utf8(canned).unwrap();
            let (head, body) = text.split_once("\r\n\r\n").unwrap();
            assert!(head.contains(&format!("content-length: {}", body.len())), "{head} / {body}");
        }
    }

    #[test]
    fn a_head_ends_at_a_blank_line_even_split_across_reads() {
        assert!(head_ends(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        assert!(head_ends(b"GET / HTTP/1.1\nHost: x\n\n"));
        assert!(!head_ends(b"GET / HTTP/1.1\r\nHost: x\r\n"));
        // The scan in read_head restarts 3 bytes back, so a terminator split over
        // two reads is seen.
        let buf = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        let from = buf.len() - 2 - 3;
        assert!(head_ends(&buf[from..]));
    }
}
