//! Inputs refused (or answered) before any request: the replay accepts no request at all, so a
//! connector that called Copper anyway fails `verify`.

use crate::support::{codec, connector, no_requests, page, query, query_from, ACCOUNT};
use crm_core::cursor::CursorBinding;
use crm_core::{Error, LeadQuery};
use serde_json::json;

async fn refused(q: &LeadQuery) -> Error {
    let replay = no_requests().await;
    let err = page(&connector(&replay.uri()), q)
        .await
        .expect_err("refused before any request");
    replay.verify().await;
    assert_eq!(err.http_status(), 400, "{err}");
    err
}

fn cursor_for(q: &LeadQuery, state: serde_json::Value) -> String {
    let binding = CursorBinding {
        provider: crm_copper::PROVIDER,
        account: ACCOUNT,
        fingerprint: q.fingerprint(),
    };
    codec().encode(&binding, &state)
}

#[tokio::test]
async fn unsupported_filters() {
    for qs in [
        "state=CA",
        "lead_source=Web",
        "contact[id]=1",
        "account[id]=1",
        "organization[id]=1",
        "converted_at[gte]=2024-01-01",
        "include_custom_fields=true",
        "custom_fields[x]=1",
    ] {
        let err = refused(&query(qs)).await;
        assert!(
            matches!(err, Error::UnsupportedFilter { .. }),
            "{qs}: {err}"
        );
    }
}

#[tokio::test]
async fn values_copper_cannot_take() {
    let cases: [(&[(&str, &str)], &str); 6] = [
        (&[("owner[id]", "-2")], "owner[id]"),
        (&[("owner[id]", "abc")], "owner[id]"),
        (&[("country", "Atlantis")], "ISO 3166-1 alpha-2"),
        (
            &[
                ("email_addresses[]", "a@example.com"),
                ("email_addresses[]", "b@example.com"),
            ],
            "one e-mail address per request",
        ),
        (
            &[("remote_query[page_size]", "5")],
            "remote_query[page_size]",
        ),
        (
            &[("remote_query[sort_by]", "name")],
            "remote_query[sort_by]",
        ),
    ];
    for (pairs, expected) in cases {
        let err = refused(&query_from(pairs)).await;
        assert!(err.to_string().contains(expected), "{pairs:?}: {err}");
    }
}

#[tokio::test]
async fn bounds_without_a_whole_second_answer_an_empty_last_page() {
    for qs in [
        "created_at=2024-01-01T00:00:00.500Z",
        "updated_at[gt]=2024-01-01T00:00:00Z&updated_at[lt]=2024-01-01T00:00:01Z",
    ] {
        let replay = no_requests().await;
        let listed = page(&connector(&replay.uri()), &query(qs)).await.unwrap();
        replay.verify().await;
        assert!(listed.items.is_empty(), "{qs}");
        assert!(listed.next_cursor.is_none(), "{qs}");
    }
}

#[tokio::test]
async fn signed_cursors_with_a_bad_state_are_refused() {
    for state in [
        json!({"page_number": 0, "page_size": 20}),
        json!({"page_number": 2, "page_size": 500}),
        json!({"page_number": 2}),
        json!({"start": 40}),
        json!("2"),
        json!([2, 20]),
    ] {
        let mut q = query("limit=20");
        q.cursor = Some(cursor_for(&q, state.clone()));
        let err = refused(&q).await;
        assert!(matches!(err, Error::InvalidCursor(_)), "{state}: {err}");
    }
}

#[tokio::test]
async fn a_page_past_coppers_search_cap_is_a_clear_error() {
    let mut q = query("limit=200");
    q.cursor = Some(cursor_for(
        &q,
        json!({"page_number": 501, "page_size": 200}),
    ));
    let err = refused(&q).await;
    let text = err.to_string();
    assert!(
        text.contains("100000") && text.contains("created_at"),
        "{text}"
    );
}

#[tokio::test]
async fn altered_and_foreign_cursors_are_refused() {
    let q = query("limit=2");
    let good = cursor_for(&q, json!({"page_number": 2, "page_size": 2}));

    let mut altered = q.clone();
    let mut bytes = good.clone().into_bytes();
    bytes[5] = if bytes[5] == b'A' { b'B' } else { b'A' };
    altered.cursor = Some(String::from_utf8(bytes).unwrap());
    assert!(matches!(refused(&altered).await, Error::InvalidCursor(_)));

    // The same cursor with other filters.
    let mut other = query("limit=2&name=Someone");
    other.cursor = Some(good);
    assert!(matches!(refused(&other).await, Error::InvalidCursor(_)));
}
