//! Inputs refused before any request: the replay accepts no request at all, so a connector that
//! called Insightly anyway fails `verify`.

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
        provider: crm_insightly::PROVIDER,
        account: ACCOUNT,
        fingerprint: q.fingerprint(),
    };
    codec().encode(&binding, &state)
}

#[tokio::test]
async fn unsupported_filters_and_operators() {
    for qs in [
        "name=Ada",
        "lead_source=Web",
        "contact[id]=1",
        "account[id]=1",
        "organization[id]=1",
        "created_at[gte]=2024-01-01",
        "converted_at[gte]=2024-01-01",
        "custom_fields[x__c]=1",
        "updated_at=2024-01-01T00:00:00Z",
        "updated_at[lt]=2024-01-01T00:00:00Z",
        "updated_at[lte]=2024-01-01T00:00:00Z",
    ] {
        let err = refused(&query(qs)).await;
        assert!(
            matches!(
                err,
                Error::UnsupportedFilter { .. } | Error::InvalidParameter { .. }
            ),
            "{qs}: {err}"
        );
    }
}

/// What Insightly cannot express in one call is a 400 that says so, never filtered afterwards.
#[tokio::test]
async fn combinations_insightly_cannot_express_in_one_call() {
    let cases: [(&[(&str, &str)], &str); 9] = [
        (
            &[("owner[id]", "1"), ("country", "Germany")],
            "one field per request",
        ),
        (
            &[("country", "Germany"), ("state", "Bavaria")],
            "one field per request",
        ),
        (
            &[("state", "CA"), ("email_addresses[]", "a@example.com")],
            "one field per request",
        ),
        (
            &[
                ("email_addresses[]", "a@example.com"),
                ("email_addresses[]", "b@example.com"),
            ],
            "one e-mail address per request",
        ),
        (&[("owner[id]", "abc")], "owner[id]"),
        (&[("owner[id]", "0")], "owner[id]"),
        (
            &[("remote_query[field_name]", "EMAIL")],
            "remote_query[field_name]",
        ),
        (&[("remote_query[top]", "5")], "remote_query[top]"),
        (&[("remote_query[brief]", "true")], "remote_query[brief]"),
    ];
    for (pairs, expected) in cases {
        let err = refused(&query_from(pairs)).await;
        assert!(err.to_string().contains(expected), "{pairs:?}: {err}");
    }
}

#[tokio::test]
async fn signed_cursors_with_a_bad_state_are_refused() {
    for state in [
        json!({"skip": 3, "top": 2}),
        json!({"skip": 0, "top": 501}),
        json!({"skip": 0, "top": 0}),
        json!({"skip": 4}),
        json!({"page_number": 2, "page_size": 2}),
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
async fn altered_and_foreign_cursors_are_refused() {
    let q = query("limit=2");
    let good = cursor_for(&q, json!({"skip": 2, "top": 2}));
    let mut altered = q.clone();
    let mut bytes = good.clone().into_bytes();
    bytes[5] = if bytes[5] == b'A' { b'B' } else { b'A' };
    altered.cursor = Some(String::from_utf8(bytes).unwrap());
    assert!(matches!(refused(&altered).await, Error::InvalidCursor(_)));
    let mut other = query("limit=2&country=Germany");
    other.cursor = Some(good);
    assert!(matches!(refused(&other).await, Error::InvalidCursor(_)));
}
