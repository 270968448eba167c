//! The accept loop: hyper's HTTP/1 server under the connection limits (a cap on connections, the
//! head and idle clocks of [`crate::head`]) with graceful shutdown.
//!
//! At the cap the loop stops accepting, so new connections wait in the kernel's listen backlog
//! (128 with tokio's `TcpListener::bind`; past it the kernel drops SYNs and clients retry them)
//! rather than being accepted and closed at once: a waiting request is served as soon as a slot
//! frees, and slots free within the header-read timeout when an attacker holds them with
//! connections that never finish a head. A health check sent during such an attack is thus
//! answered late instead of refused.

use crate::conn::{ConnService, ConnShared};
use crate::head::{Clocks, HeadGuard, MAX_HEADERS};
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};

/// Default time to send a complete request head.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time a kept-alive connection may wait for its next request.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Default number of connections served at once.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 1024;

/// Limits on connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnLimits {
    /// From accepting a connection to the end of its first request head, and from the first byte
    /// of a later head to its end: 408 (or a plain close if nothing was sent) after it.
    pub header_read_timeout: Duration,
    /// From the end of a response to the first byte of the next request on the connection.
    pub idle_timeout: Duration,
    /// Connections served at once; further ones wait in the listen backlog.
    pub max_connections: u32,
}

impl Default for ConnLimits {
    fn default() -> Self {
        ConnLimits {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves; then stops accepting, lets requests in
/// flight finish and closes idle connections, and returns when every connection has ended.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let http = http1_builder(&limits);
    let slots = Arc::new(Semaphore::new(limits.max_connections as usize));
    let (stop, stopping) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            () = &mut shutdown => break,
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
        };
        let stream = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
        };
        tokio::spawn(connection(
            stream,
            app.clone(),
            limits,
            http.clone(),
            stopping.clone(),
            slot,
        ));
    }
    drop(listener);
    let _ = stop.send(true);
    // Each connection holds a slot until it ends.
    let _all = slots.acquire_many(limits.max_connections).await;
    Ok(())
}

fn http1_builder(limits: &ConnLimits) -> http1::Builder {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        // hyper's own head timer starts when it waits for a head, so on a kept-alive connection
        // it would also bound the idle wait; the guard keeps the two clocks apart, and this one
        // is a backstop that never runs out first.
        .header_read_timeout(
            limits.idle_timeout + limits.header_read_timeout + Duration::from_secs(1),
        )
        .max_headers(MAX_HEADERS);
    http
}

/// The peer giving up before the accept is no error; anything else (such as running out of file
/// descriptors) gets a pause instead of a busy loop, while the backlog holds new connections.
async fn accept_failed(e: io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed; retrying in 1s");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

async fn connection(
    stream: TcpStream,
    app: Router,
    limits: ConnLimits,
    http: http1::Builder,
    mut stopping: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
) {
    let shared = Arc::new(ConnShared::default());
    let clocks = Clocks {
        header_read: limits.header_read_timeout,
        idle: limits.idle_timeout,
    };
    let io = TokioIo::new(HeadGuard::new(stream, clocks, shared.clone()));
    let conn = http.serve_connection(io, ConnService::new(app, shared));
    let mut conn = std::pin::pin!(conn);
    let mut draining = false;
    let result = loop {
        tokio::select! {
            result = conn.as_mut() => break result,
            _ = stopping.wait_for(|stop| *stop), if !draining => {
                draining = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    };
    if let Err(e) = result {
        tracing::debug!(error = %e, "connection ended with an error");
    }
}
