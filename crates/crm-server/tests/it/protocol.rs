//! What reaches the server below the router, over loopback sockets: heads hyper would refuse with
//! an empty body get the JSON envelope, and each HTTP version gets a sensible answer.

use crate::support::*;

async fn refused(server: &RealServer, request: &[u8]) -> RawReply {
    let mut conn = server.connect().await;
    conn.send(request).await;
    let reply = conn.reply().await;
    assert_eq!(reply.header("connection"), Some("close"), "{reply:?}");
    assert!(reply.header("x-request-id").is_some(), "{reply:?}");
    assert!(conn.until_closed().await.is_empty());
    reply
}

#[tokio::test]
async fn a_garbage_request_line_gets_a_400_envelope() {
    let server = RealServer::start(&[]).await;
    let reply = refused(&server, b"\x01\x02 garbage\r\n\r\n").await;
    let body = reply.assert_envelope(400);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("malformed HTTP request"),
        "{body}"
    );
    let reply = refused(&server, b"GET / HTTP/1.1\r\nno colon here\r\n\r\n").await;
    reply.assert_envelope(400);
    server.stop().await;
}

#[tokio::test]
async fn a_100_kb_uri_gets_a_414_envelope() {
    let server = RealServer::start(&[]).await;
    let request = format!(
        "GET /unified/crm/leads?integrated_account_id={ACME_ACCOUNT}&x={} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "a".repeat(100 * 1024)
    );
    refused(&server, request.as_bytes())
        .await
        .assert_envelope(414);
    server.stop().await;
}

#[tokio::test]
async fn a_100_kb_header_gets_a_431_envelope() {
    let server = RealServer::start(&[]).await;
    let request = format!(
        "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {}\r\n\r\n",
        "a".repeat(100 * 1024)
    );
    refused(&server, request.as_bytes())
        .await
        .assert_envelope(431);
    let many = format!(
        "GET /healthz HTTP/1.1\r\n{}\r\n",
        "X-Many: a\r\n".repeat(200)
    );
    refused(&server, many.as_bytes()).await.assert_envelope(431);
    server.stop().await;
}

#[tokio::test]
async fn chunked_request_bodies_get_a_411_envelope() {
    let server = RealServer::start(&[]).await;
    let request =
        b"POST /unified/crm/leads HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    refused(&server, request).await.assert_envelope(411);
    server.stop().await;
}

/// Answers come in request order: a malformed request pipelined after a good one is answered
/// after it, and a request body is passed over, not read as the next head.
#[tokio::test]
async fn pipelined_requests_are_answered_in_order() {
    let server = RealServer::start(&[]).await;
    let mut conn = server.connect().await;
    conn.send(
        b"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nGET /\
GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n\
\x01bad\r\n\r\n",
    )
    .await;
    let first = conn.reply().await;
    first.assert_envelope(405);
    let second = conn.reply().await;
    assert_eq!(second.status, 200, "{second:?}");
    conn.reply().await.assert_envelope(400);
    assert!(conn.until_closed().await.is_empty());
    server.stop().await;
}

/// The server's answer to the HTTP/2 prior-knowledge preface is HTTP/2's own refusal: its
/// SETTINGS preface, then GOAWAY with HTTP_1_1_REQUIRED, then the connection closes.
#[tokio::test]
async fn the_http2_preface_gets_a_goaway_with_http_1_1_required() {
    let server = RealServer::start(&[]).await;
    let mut conn = server.connect().await;
    conn.send(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00")
        .await;
    assert_eq!(conn.until_closed().await, crm_server::head::H2_REFUSAL);
    server.stop().await;
}

/// An HTTP/1.1 request offering `Upgrade: h2c` is served over HTTP/1.1: a server may ignore an
/// upgrade offer (RFC 9110 section 7.8), and clients such as `curl --http2` then go on in HTTP/1.1.
#[tokio::test]
async fn an_h2c_upgrade_offer_is_served_over_http_1_1() {
    let server = RealServer::start(&[]).await;
    let mut conn = server.connect().await;
    let request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n";
    conn.send(request).await;
    let reply = conn.reply().await;
    assert_eq!(reply.status_line, "HTTP/1.1 200 OK");
    assert_eq!(reply.header("upgrade"), None);
    assert_eq!(reply.json()["status"], "ok");
    // Still an HTTP/1.1 connection.
    conn.send(request).await;
    assert_eq!(conn.reply().await.status, 200);
    server.stop().await;
}

#[tokio::test]
async fn http_1_0_is_served_and_the_connection_closed() {
    let server = RealServer::start(&[]).await;
    let mut conn = server.connect().await;
    conn.send(b"GET /healthz HTTP/1.0\r\n\r\n").await;
    let reply = conn.reply().await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json()["status"], "ok");
    assert!(conn.until_closed().await.is_empty());
    server.stop().await;
}

/// An HTTP/0.9 request (no version) is answered at once instead of waiting for header fields
/// that never come; other versions in an HTTP/1 request line are refused the same way.
#[tokio::test]
async fn http_0_9_and_unknown_versions_get_a_505_envelope() {
    let server = RealServer::start(&[]).await;
    for request in [
        &b"GET /\r\n"[..],
        b"GET /healthz HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /healthz HTTP/3\r\nHost: 127.0.0.1\r\n\r\n",
    ] {
        refused(&server, request).await.assert_envelope(505);
    }
    server.stop().await;
}
