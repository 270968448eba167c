//! Connection limits of the real server over loopback sockets: the header-read timeout, the idle
//! keep-alive timeout, the connection cap. Timeouts are set to 1 s; what is asserted is the outcome
//! (a 408, a closed connection, a served request), never how long it took.

use crate::support::*;
use crm_sim::SimProvider;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The start of a request head that never ends.
const HALF_HEAD: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";

#[tokio::test]
async fn half_sent_heads_get_a_408_and_are_closed_while_healthz_answers() {
    let server = RealServer::start(&["--header-read-timeout", "1"]).await;
    let mut attackers = Vec::new();
    for _ in 0..200 {
        let mut conn = server.connect().await;
        conn.send(HALF_HEAD).await;
        attackers.push(conn);
    }
    let health = server.healthz().await;
    assert_eq!(health.status, 200, "{health:?}");
    for conn in &mut attackers {
        let reply = conn.reply().await;
        reply.assert_envelope(408);
        assert_eq!(reply.header("connection"), Some("close"));
        assert!(conn.until_closed().await.is_empty());
    }
    assert_eq!(server.healthz().await.status, 200);
    server.stop().await;
}

#[tokio::test]
async fn a_head_trickled_a_byte_at_a_time_is_still_cut_off() {
    let server = RealServer::start(&["--header-read-timeout", "1"]).await;
    let mut conn = server.connect().await;
    conn.send(HALF_HEAD).await;
    let (mut reader, mut writer) = conn.stream.into_split();
    let trickle = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        // Ends when the server has closed the connection.
        while writer.write_all(b"a").await.is_ok() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    use tokio::io::AsyncReadExt;
    let mut answer = Vec::new();
    tokio::time::timeout(PATIENCE, reader.read_to_end(&mut answer))
        .await
        .expect("the server closes a trickling connection")
        .ok();
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{text}"
    );
    assert!(text.contains(r#""statusCode":408"#), "{text}");
    trickle.abort();
    server.stop().await;
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_without_an_answer() {
    let server = RealServer::start(&["--header-read-timeout", "1"]).await;
    let mut conn = server.connect().await;
    assert!(conn.until_closed().await.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn idle_keep_alive_connections_are_closed() {
    let server = RealServer::start(&["--idle-timeout", "1", "--header-read-timeout", "10"]).await;
    let mut conn = server.connect().await;
    conn.send(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await;
    let reply = conn.reply().await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("connection"), None, "kept alive");
    // Closed by the idle timeout, without a word.
    assert!(conn.until_closed().await.is_empty());
    server.stop().await;
}

/// The header-read timeout does not cut a kept-alive connection between requests: that wait is
/// the idle timeout's (hyper's own header-read timer would have closed it after 1 s).
#[tokio::test]
async fn a_kept_alive_connection_waits_for_its_next_request_beyond_the_header_read_timeout() {
    let server = RealServer::start(&["--header-read-timeout", "1", "--idle-timeout", "60"]).await;
    let mut conn = server.connect().await;
    let request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    conn.send(request).await;
    assert_eq!(conn.reply().await.status, 200);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    conn.send(request).await;
    assert_eq!(conn.reply().await.status, 200);
    server.stop().await;
}

/// At the cap a new connection is not served until a slot frees: the healthz request is answered
/// only after an attacker's connection was closed (the attacker counts before it lets go of its
/// socket, which is what frees the slot).
#[tokio::test]
async fn at_the_connection_cap_a_request_is_served_once_an_attacker_times_out() {
    let server = RealServer::start(&["--max-connections", "4", "--header-read-timeout", "1"]).await;
    let closed = Arc::new(AtomicUsize::new(0));
    let mut attackers = Vec::new();
    for _ in 0..4 {
        let mut conn = server.connect().await;
        conn.send(HALF_HEAD).await;
        let closed = closed.clone();
        attackers.push(tokio::spawn(async move {
            let answer = conn.until_closed().await;
            closed.fetch_add(1, Ordering::SeqCst);
            drop(conn);
            answer
        }));
    }
    let health = server.healthz().await;
    assert_eq!(health.status, 200, "{health:?}");
    assert!(
        closed.load(Ordering::SeqCst) >= 1,
        "served while every slot was taken"
    );
    for attacker in attackers {
        let answer = String::from_utf8(attacker.await.unwrap()).unwrap();
        assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    }
    server.stop().await;
}

#[tokio::test]
async fn shutdown_finishes_a_request_in_flight_and_closes_idle_connections() {
    let server = RealServer::start(&["--sandbox", "--idle-timeout", "60"]).await;
    let sim = server
        .sandbox
        .as_ref()
        .unwrap()
        .cluster
        .get(SimProvider::Pipedrive);
    sim.update_faults(|f| f.latency = Duration::from_millis(500));
    let mut idle = server.connect().await;
    idle.send(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await;
    assert_eq!(idle.reply().await.status, 200);
    let mut half = server.connect().await;
    half.send(HALF_HEAD).await;
    let mut busy = server.connect().await;
    let account = crm_server::sandbox::sandbox_account(crm_pipedrive::PROVIDER);
    busy.send(
        format!(
            "GET /unified/crm/leads?integrated_account_id={account}&limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        )
        .as_bytes(),
    )
    .await;
    // Stop once the provider call is under way.
    while sim.stats().requests == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let addr = server.addr;
    let stopped = tokio::spawn(server.stop());
    let reply = busy.reply().await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json()["result"].as_array().unwrap().len(), 1);
    assert!(idle.until_closed().await.is_empty());
    assert!(half.until_closed().await.is_empty());
    stopped.await.unwrap();
    // No longer listening.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
