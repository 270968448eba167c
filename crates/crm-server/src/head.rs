//! The request-head guard: the IO under hyper, which reads every request head before hyper does.
//!
//! hyper answers a malformed head itself, with an empty-bodied 400, 414 or 431 and no hook to
//! change it, and its header-read timer also runs while a kept-alive connection waits for its next
//! request. So the guard reads each head first, with its own limits and clocks:
//!
//! - a head it accepts reaches hyper rewritten in a canonical form (one `content-length`, no
//!   `transfer-encoding`) that passed every check hyper's parser makes, with the same functions
//!   (`httparse`, `http::Method`, `http::Uri`) and limits no looser than hyper's, so hyper never
//!   refuses one;
//! - a head it refuses (malformed, too long, too slow, a version other than HTTP/1.0 and 1.1)
//!   reaches hyper as a stand-in `GET / HTTP/1.1` with `connection: close`, and [`ConnShared`]
//!   tells [`crate::conn::ConnService`] to answer that request with the JSON envelope. hyper thus
//!   orders the refusal after any response in flight and closes the connection after it;
//! - an HTTP/2 prior-knowledge preface gets the HTTP/2 way of saying no (SETTINGS, then GOAWAY with
//!   `HTTP_1_1_REQUIRED`): an HTTP/1 status line would mean nothing to that client.
//!
//! When hyper closes the connection, the guard reads and drops what the client still sends for a
//! moment (a "lingering close"), so that unread input does not make the kernel reset the
//! connection and destroy the answer before the client reads it.

use crate::conn::ConnShared;
use crate::errors::ApiError;
use axum::http::StatusCode;
use bytes::{Buf, BytesMut};
use crm_core::text::shorten;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// Longest request line (method, target, version); a longer one is a 414.
pub const MAX_REQUEST_LINE: usize = 16 * 1024;
/// Largest request head (request line and header fields); a larger one is a 431. Below hyper's
/// 64 KiB limit on a header name and its default read buffer of about 400 KB.
pub const MAX_HEAD: usize = 64 * 1024;
/// Most header fields in one request; more is a 431. hyper is given the same limit.
pub const MAX_HEADERS: usize = 100;
/// Largest request body passed on (no route reads one); a larger one is a 413.
pub const MAX_BODY: u64 = 1024 * 1024;
/// How long, and how much, a closing connection reads and drops the client's unread input.
const LINGER: Duration = Duration::from_secs(1);
const LINGER_BYTES: usize = 1024 * 1024;

/// The head hyper parses in place of a refused one.
const STAND_IN: &[u8] = b"GET / HTTP/1.1\r\nconnection: close\r\n\r\n";

/// An empty SETTINGS frame (the server's connection preface), then GOAWAY (last stream 0, error
/// HTTP_1_1_REQUIRED = 0xd, debug data "HTTP/1.1 only"), as RFC 9113 sections 3.4 and 6.8 lay out.
pub const H2_REFUSAL: &[u8] = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00\
\x00\x00\x15\x07\x00\x00\x00\x00\x00\
\x00\x00\x00\x00\x00\x00\x00\x0dHTTP/1.1 only";

/// What the guard's clocks allow.
#[derive(Clone, Copy, Debug)]
pub struct Clocks {
    /// From accepting the connection to the end of its first head, and from the first byte of a
    /// later head (or the end of the previous response) to its end.
    pub header_read: Duration,
    /// From the end of a response to the first byte of the next request.
    pub idle: Duration,
}

/// Why a head is refused: its status and message, made into the envelope by [`ApiError`].
#[derive(Debug)]
struct Refusal(StatusCode, String);

impl From<Refusal> for ApiError {
    fn from(Refusal(status, message): Refusal) -> Self {
        ApiError::new(status, message)
    }
}

/// The decision about the bytes buffered for the next head.
#[derive(Debug)]
enum Outcome {
    /// Not a whole head yet, and nothing wrong so far.
    Partial,
    /// A whole head of `consumed` bytes, rewritten, and the length of the body that follows.
    Head {
        consumed: usize,
        canonical: Vec<u8>,
        body: u64,
    },
    Refuse(Refusal),
    /// The HTTP/2 connection preface.
    Http2,
}

#[derive(Debug)]
enum Phase {
    /// Reading heads (and passing bodies on).
    Heads,
    /// A refusal is queued: no more input for hyper, and no EOF either (hyper drops the answer
    /// of a request whose client seems gone).
    Refused,
    /// Writing [`H2_REFUSAL`]; then EOF.
    Http2(usize),
    /// Input ended (or the connection is being closed): EOF for hyper.
    Eof,
}

#[derive(Debug)]
enum Closing {
    Open,
    Lingering { until: Instant, dropped: usize },
    Closed,
}

/// Where the scan of the buffered head has got to, so that a head sent a byte at a time costs
/// linear, not quadratic, work.
#[derive(Debug, Default)]
struct Scan {
    scanned: usize,
    line_end: Option<usize>,
    line_checked: bool,
    head_end: Option<usize>,
}

impl Scan {
    fn advance(&mut self, input: &[u8]) {
        let from = self.scanned.saturating_sub(2);
        for i in from..input.len() {
            if input[i] != b'\n' {
                continue;
            }
            if self.line_end.is_none() {
                self.line_end = Some(i);
            }
            if self.head_end.is_none() {
                if input.get(i + 1) == Some(&b'\n') {
                    self.head_end = Some(i + 2);
                } else if input.get(i + 1..i + 3) == Some(b"\r\n") {
                    self.head_end = Some(i + 3);
                }
            }
        }
        self.scanned = input.len();
    }
}

/// The IO hyper serves a connection over; see the module docs.
#[derive(Debug)]
pub struct HeadGuard<S> {
    io: S,
    shared: Arc<ConnShared>,
    clocks: Clocks,
    accepted: Instant,
    /// Bytes read from the client and not yet given to hyper.
    input: BytesMut,
    /// Bytes for hyper: a canonical head, a stand-in head, or body bytes.
    output: BytesMut,
    body_left: u64,
    /// Heads given to hyper so far (stand-ins included).
    heads: u64,
    head_started: Option<Instant>,
    scan: Scan,
    phase: Phase,
    closing: Closing,
    timer: Pin<Box<Sleep>>,
}

impl<S> HeadGuard<S> {
    pub fn new(io: S, clocks: Clocks, shared: Arc<ConnShared>) -> Self {
        let accepted = Instant::now();
        HeadGuard {
            io,
            shared,
            clocks,
            accepted,
            input: BytesMut::new(),
            output: BytesMut::new(),
            body_left: 0,
            heads: 0,
            head_started: None,
            scan: Scan::default(),
            phase: Phase::Heads,
            closing: Closing::Open,
            timer: Box::pin(tokio::time::sleep_until(accepted + clocks.header_read)),
        }
    }

    /// When the client's time for the next head runs out; `None` while a request is in flight
    /// (the request timeout covers that).
    fn deadline(&self) -> Option<Instant> {
        let (done, last) = self.shared.responses();
        if self.heads > done {
            return None;
        }
        match (last, self.head_started) {
            (None, _) => Some(self.accepted + self.clocks.header_read),
            (Some(last), None) => Some(last + self.clocks.idle),
            (Some(last), Some(started)) => Some(started.max(last) + self.clocks.header_read),
        }
    }

    fn expire(&mut self) {
        if self.head_started.is_none() {
            // Nothing of a request: an idle (or never used) connection just closes.
            self.phase = Phase::Eof;
        } else {
            self.refuse(Refusal(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the request head was not complete within {}s",
                    self.clocks.header_read.as_secs_f64()
                ),
            ));
        }
    }

    fn refuse(&mut self, refusal: Refusal) {
        self.heads += 1;
        self.shared.refuse(self.heads, refusal.into());
        self.output.extend_from_slice(STAND_IN);
        self.input.clear();
        self.phase = Phase::Refused;
    }

    /// Decides about the buffered head, when there is one to decide about.
    fn take_head(&mut self) {
        // Empty lines before a request line are ignored (RFC 9112 section 2.2), as httparse does.
        while !self.input.is_empty() {
            if self.input[0] == b'\n' {
                self.input.advance(1);
            } else if self.input.starts_with(b"\r\n") {
                self.input.advance(2);
            } else {
                break;
            }
        }
        if self.input.is_empty() || self.input[..] == b"\r"[..] {
            return;
        }
        self.scan.advance(&self.input);
        match decide(&self.input, &mut self.scan, self.heads == 0) {
            Outcome::Partial => {}
            Outcome::Head {
                consumed,
                canonical,
                body,
            } => {
                self.input.advance(consumed);
                self.output.extend_from_slice(&canonical);
                self.heads += 1;
                self.body_left = body;
                self.head_started = None;
                self.scan = Scan::default();
            }
            Outcome::Refuse(error) => self.refuse(error),
            Outcome::Http2 => {
                self.input.clear();
                self.phase = Phase::Http2(0);
            }
        }
    }
}

impl<S: AsyncRead + Unpin> HeadGuard<S> {
    /// Reads what the client sent into `input`; `Ok(0)` at its end.
    fn fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let mut chunk = [0u8; 8192];
        let mut buf = ReadBuf::new(&mut chunk);
        ready!(Pin::new(&mut self.io).poll_read(cx, &mut buf))?;
        self.input.extend_from_slice(buf.filled());
        Poll::Ready(Ok(buf.filled().len()))
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for HeadGuard<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if !this.output.is_empty() {
                let n = this.output.len().min(dst.remaining());
                dst.put_slice(&this.output.split_to(n));
                return Poll::Ready(Ok(()));
            }
            match this.phase {
                Phase::Heads => {}
                Phase::Refused => return Poll::Pending,
                Phase::Eof => return Poll::Ready(Ok(())),
                Phase::Http2(sent) => {
                    let n = ready!(Pin::new(&mut this.io).poll_write(cx, &H2_REFUSAL[sent..]))?;
                    let sent = sent + n;
                    this.phase = if n == 0 || sent == H2_REFUSAL.len() {
                        Phase::Eof
                    } else {
                        Phase::Http2(sent)
                    };
                    continue;
                }
            }
            if this.body_left > 0 {
                if !this.input.is_empty() {
                    let n = this.body_left.min(this.input.len() as u64) as usize;
                    this.body_left -= n as u64;
                    this.output = this.input.split_to(n);
                    continue;
                }
            } else if !this.input.is_empty() {
                this.head_started.get_or_insert_with(Instant::now);
                this.take_head();
                if !matches!(this.phase, Phase::Heads) || !this.output.is_empty() {
                    continue;
                }
            }
            let deadline = this.deadline();
            if let Some(deadline) = deadline {
                if Instant::now() >= deadline {
                    this.expire();
                    continue;
                }
                this.timer.as_mut().reset(deadline);
            }
            match this.fill(cx) {
                Poll::Ready(Ok(0)) => this.phase = Phase::Eof,
                Poll::Ready(Ok(_)) => {}
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => {
                    if deadline.is_some() && this.timer.as_mut().poll(cx).is_ready() {
                        continue;
                    }
                    return Poll::Pending;
                }
            }
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for HeadGuard<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    /// Sends FIN, then lingers: reads and drops input until the client closes too, for at most
    /// [`LINGER`] and [`LINGER_BYTES`].
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            match &mut this.closing {
                Closing::Open => {
                    // A peer that is already gone has nothing left to read our answer with.
                    if ready!(Pin::new(&mut this.io).poll_shutdown(cx)).is_err() {
                        this.closing = Closing::Closed;
                        continue;
                    }
                    let until = Instant::now() + LINGER;
                    this.timer.as_mut().reset(until);
                    this.closing = Closing::Lingering { until, dropped: 0 };
                }
                Closing::Lingering { until, dropped } => {
                    if *dropped > LINGER_BYTES || Instant::now() >= *until {
                        this.closing = Closing::Closed;
                        continue;
                    }
                    let mut chunk = [0u8; 8192];
                    let mut buf = ReadBuf::new(&mut chunk);
                    match Pin::new(&mut this.io).poll_read(cx, &mut buf) {
                        Poll::Ready(Ok(())) if !buf.filled().is_empty() => {
                            *dropped += buf.filled().len();
                        }
                        Poll::Ready(_) => this.closing = Closing::Closed,
                        Poll::Pending => {
                            ready!(this.timer.as_mut().poll(cx));
                            this.closing = Closing::Closed;
                        }
                    }
                }
                Closing::Closed => return Poll::Ready(Ok(())),
            }
        }
    }
}

/// Decides about `input`, which starts at a request line; `scan` has seen all of it.
fn decide(input: &[u8], scan: &mut Scan, first_on_connection: bool) -> Outcome {
    let Some(line_end) = scan.line_end else {
        return if input.len() > MAX_REQUEST_LINE {
            Outcome::Refuse(line_too_long())
        } else {
            Outcome::Partial
        };
    };
    if line_end > MAX_REQUEST_LINE {
        return Outcome::Refuse(line_too_long());
    }
    if !scan.line_checked {
        if let Some(outcome) = check_request_line(&input[..=line_end], first_on_connection) {
            return outcome;
        }
        scan.line_checked = true;
    }
    let Some(head_end) = scan.head_end else {
        return if input.len() > MAX_HEAD {
            Outcome::Refuse(head_too_large())
        } else {
            Outcome::Partial
        };
    };
    if head_end > MAX_HEAD {
        return Outcome::Refuse(head_too_large());
    }
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(&input[..head_end]) {
        Ok(httparse::Status::Complete(consumed)) => match canonical(&request) {
            Ok((canonical, body)) => Outcome::Head {
                consumed,
                canonical,
                body,
            },
            Err(error) => Outcome::Refuse(error),
        },
        Ok(httparse::Status::Partial) => {
            Outcome::Refuse(malformed("the request head is incomplete"))
        }
        Err(httparse::Error::TooManyHeaders) => Outcome::Refuse(Refusal(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!("the request has more than {MAX_HEADERS} header fields"),
        )),
        Err(e) => Outcome::Refuse(malformed(&e.to_string())),
    }
}

/// Looks at a complete request line (with its line ending) for what cannot wait for the rest of
/// the head: another HTTP version (an HTTP/0.9 client sends nothing more) and syntax errors.
fn check_request_line(line: &[u8], first_on_connection: bool) -> Option<Outcome> {
    let text = line.strip_suffix(b"\n").unwrap_or(line);
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    let parts: Vec<&[u8]> = text.split(|b| *b == b' ').collect();
    match parts.as_slice() {
        [method, _] if *method == b"GET" => {
            return Some(Outcome::Refuse(version_not_supported("HTTP/0.9")));
        }
        [method, target, version]
            if first_on_connection
                && *method == b"PRI"
                && *target == b"*"
                && *version == b"HTTP/2.0" =>
        {
            return Some(Outcome::Http2);
        }
        [_, _, version]
            if version.starts_with(b"HTTP/")
                && *version != b"HTTP/1.0"
                && *version != b"HTTP/1.1" =>
        {
            return Some(Outcome::Refuse(version_not_supported(
                &String::from_utf8_lossy(version),
            )));
        }
        _ => {}
    }
    // The request line alone: httparse then wants header fields (Partial) unless the line is bad.
    match httparse::Request::new(&mut []).parse(line) {
        Ok(_) => None,
        Err(e) => Some(Outcome::Refuse(malformed(&e.to_string()))),
    }
}

/// The head as hyper gets it, and the body length; or why it is refused.
fn canonical(request: &httparse::Request<'_, '_>) -> Result<(Vec<u8>, u64), Refusal> {
    let (Some(method), Some(target), Some(version)) =
        (request.method, request.path, request.version)
    else {
        return Err(malformed("the request line is incomplete"));
    };
    http::Method::from_bytes(method.as_bytes()).map_err(|_| malformed("invalid method"))?;
    http::Uri::try_from(target).map_err(|_| malformed("invalid request target"))?;
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(method.as_bytes());
    out.push(b' ');
    out.extend_from_slice(target.as_bytes());
    out.extend_from_slice(if version == 1 {
        b" HTTP/1.1\r\n"
    } else {
        b" HTTP/1.0\r\n"
    });
    let mut length: Option<u64> = None;
    for header in request.headers.iter() {
        if header.name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(Refusal(
                StatusCode::LENGTH_REQUIRED,
                "request bodies need a Content-Length; Transfer-Encoding is not accepted".into(),
            ));
        }
        if header.name.eq_ignore_ascii_case("content-length") {
            let n = digits(header.value).ok_or_else(|| malformed("invalid Content-Length"))?;
            if length.is_some_and(|l| l != n) {
                return Err(malformed("conflicting Content-Length values"));
            }
            length = Some(n);
            continue;
        }
        out.extend_from_slice(header.name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(header.value);
        out.extend_from_slice(b"\r\n");
    }
    if let Some(n) = length {
        if n > MAX_BODY {
            return Err(Refusal(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("request bodies are limited to {MAX_BODY} bytes; no route reads one"),
            ));
        }
        out.extend_from_slice(format!("content-length: {n}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    Ok((out, length.unwrap_or(0)))
}

/// A Content-Length value: digits only (no sign, no list), as hyper reads it.
fn digits(value: &[u8]) -> Option<u64> {
    if value.is_empty() {
        return None;
    }
    value.iter().try_fold(0u64, |n, b| match b {
        b'0'..=b'9' => n.checked_mul(10)?.checked_add(u64::from(b - b'0')),
        _ => None,
    })
}

fn malformed(why: &str) -> Refusal {
    Refusal(
        StatusCode::BAD_REQUEST,
        format!("malformed HTTP request: {why}"),
    )
}

fn line_too_long() -> Refusal {
    Refusal(
        StatusCode::URI_TOO_LONG,
        format!("the request line is longer than {MAX_REQUEST_LINE} bytes; send fewer or shorter query parameters"),
    )
}

fn head_too_large() -> Refusal {
    Refusal(
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        format!("the request head is larger than {MAX_HEAD} bytes"),
    )
}

fn version_not_supported(version: &str) -> Refusal {
    Refusal(
        StatusCode::HTTP_VERSION_NOT_SUPPORTED,
        format!(
            "{} is not supported; this server speaks HTTP/1.1 (and HTTP/1.0)",
            shorten(version)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide_all(input: &[u8]) -> Outcome {
        let mut scan = Scan::default();
        scan.advance(input);
        decide(input, &mut scan, true)
    }

    fn refused(input: &[u8]) -> u16 {
        match decide_all(input) {
            Outcome::Refuse(Refusal(status, _)) => status.as_u16(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn accepted_heads_are_rewritten_with_one_content_length() {
        let input =
            b"GET /a?b=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nhi";
        let Outcome::Head {
            consumed,
            canonical,
            body,
        } = decide_all(input)
        else {
            panic!()
        };
        assert_eq!(consumed, input.len() - 2);
        assert_eq!(body, 2);
        assert_eq!(
            String::from_utf8(canonical).unwrap(),
            "GET /a?b=1 HTTP/1.1\r\nHost: x\r\ncontent-length: 2\r\n\r\n"
        );
    }

    #[test]
    fn partial_heads_wait_and_bad_ones_are_refused_with_their_status() {
        assert!(matches!(
            decide_all(b"GET / HTTP/1.1\r\nHost: x\r\n"),
            Outcome::Partial
        ));
        assert!(matches!(decide_all(b"GET / HT"), Outcome::Partial));
        assert_eq!(refused(b"\x01GET / HTTP/1.1\r\n"), 400);
        assert_eq!(refused(b"GET / HTTP/1.1\r\nbad header\r\n\r\n"), 400);
        assert_eq!(
            refused(b"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            400
        );
        assert_eq!(
            refused(b"GET / HTTP/1.1\r\nContent-Length: +1\r\n\r\n"),
            400
        );
        assert_eq!(
            refused(b"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"),
            411
        );
        assert_eq!(
            refused(b"GET / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n"),
            413
        );
        let long = format!("GET /{} HTTP/1.1\r\n", "a".repeat(MAX_REQUEST_LINE));
        assert_eq!(refused(long.as_bytes()), 414);
        assert_eq!(refused(&long.as_bytes()[..MAX_REQUEST_LINE + 1]), 414);
        let big = format!("GET / HTTP/1.1\r\nx: {}\r\n", "a".repeat(MAX_HEAD));
        assert_eq!(refused(big.as_bytes()), 431);
        let many = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "a: b\r\n".repeat(MAX_HEADERS + 1)
        );
        assert_eq!(refused(many.as_bytes()), 431);
    }

    #[test]
    fn other_http_versions_are_recognised_from_the_request_line() {
        assert_eq!(refused(b"GET /\r\n"), 505);
        assert_eq!(refused(b"GET / HTTP/2.0\r\n"), 505);
        assert_eq!(refused(b"GET / HTTP/1.2\r\n"), 505);
        assert!(matches!(
            decide_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
            Outcome::Http2
        ));
        let mut scan = Scan::default();
        let later = b"PRI * HTTP/2.0\r\n\r\n";
        scan.advance(later);
        assert!(matches!(
            decide(later, &mut scan, false),
            Outcome::Refuse(_)
        ));
        assert!(matches!(
            decide_all(b"GET / HTTP/1.0\r\n\r\n"),
            Outcome::Head { .. }
        ));
    }

    #[test]
    fn the_scan_finds_head_ends_across_reads() {
        let input = b"GET / HTTP/1.1\nHost: x\n\n";
        let mut scan = Scan::default();
        for end in 1..=input.len() {
            scan.advance(&input[..end]);
        }
        assert_eq!(scan.line_end, Some(14));
        assert_eq!(scan.head_end, Some(input.len()));
        let mut scan = Scan::default();
        scan.advance(b"GET / HTTP/1.1\r\n\r");
        assert_eq!(scan.head_end, None);
        scan.advance(b"GET / HTTP/1.1\r\n\r\n");
        assert_eq!(scan.head_end, Some(18));
    }

    #[test]
    fn the_h2_refusal_is_a_settings_then_a_goaway_frame() {
        assert_eq!(&H2_REFUSAL[..9], &[0, 0, 0, 4, 0, 0, 0, 0, 0]);
        let goaway = &H2_REFUSAL[9..];
        let len = usize::from(goaway[2]);
        assert_eq!(goaway[3], 7);
        assert_eq!(goaway.len(), 9 + len);
        assert_eq!(&goaway[9..17], &[0, 0, 0, 0, 0, 0, 0, 0x0d]);
        assert_eq!(&goaway[17..], b"HTTP/1.1 only");
    }
}
