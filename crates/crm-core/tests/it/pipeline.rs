use crate::fake::Fake;
use crm_core::{
    list_page, render, CursorCodec, Error, Items, LeadQuery, ListContext, ListRequest,
    ResponseFormat, ResponseOptions,
};

const ACCOUNT: &str = "62f44730-dd91-461e-bd6a-aedd9e0ad79d";

fn codec() -> CursorCodec {
    CursorCodec::new(b"pipeline-test-key".to_vec())
}

fn ctx(codec: &CursorCodec) -> ListContext<'_> {
    ListContext {
        account_id: ACCOUNT,
        codec,
    }
}

fn ids(items: &Items) -> Vec<String> {
    match items {
        Items::Leads(leads) => leads.iter().map(|l| l.id.clone()).collect(),
        Items::Raw(_) => panic!("expected leads"),
    }
}

#[tokio::test]
async fn pages_through_cursors_to_the_end_without_loss_or_duplicates() {
    let fake = Fake::new(23);
    let codec = codec();
    let mut query = ListRequest::from_query_string("limit=5").unwrap().query;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = list_page(&fake, ctx(&codec), &query, ResponseFormat::Unified)
            .await
            .unwrap();
        pages += 1;
        seen.extend(ids(&page.items));
        match page.next_cursor {
            Some(c) => query.cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(pages, 5);
    assert_eq!(seen, (0..23).map(|i| i.to_string()).collect::<Vec<_>>());
}

#[tokio::test]
async fn limit_is_clamped_and_ignore_limit_sends_none() {
    let fake = Fake::new(50);
    let codec = codec();
    let q = ListRequest::from_query_string("limit=1000").unwrap().query;
    let page = list_page(&fake, ctx(&codec), &q, ResponseFormat::Unified)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 10, "clamped to max_page_size");
    let q = ListRequest::from_query_string("limit=3&truto_ignore_limit=true")
        .unwrap()
        .query;
    let page = list_page(&fake, ctx(&codec), &q, ResponseFormat::Unified)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 7, "the provider's natural page");
}

#[tokio::test]
async fn unsupported_filters_and_bad_cursors_never_reach_the_provider() {
    let fake = Fake::new(5);
    let codec = codec();
    let q = ListRequest::from_query_string("name=x").unwrap().query;
    let err = list_page(&fake, ctx(&codec), &q, ResponseFormat::Unified)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnsupportedFilter { .. }), "{err}");
    assert_eq!(err.http_status(), 400);

    let q = ListRequest::from_query_string("next_cursor=v1.e30.AAAAAAAAAAAAAAAAAAAAAA")
        .unwrap()
        .query;
    let err = list_page(&fake, ctx(&codec), &q, ResponseFormat::Unified)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidCursor(_)), "{err}");
    assert_eq!(fake.fetches(), 0);
}

#[tokio::test]
async fn a_cursor_is_bound_to_filters_and_account() {
    let fake = Fake::new(30);
    let codec = codec();
    let q = ListRequest::from_query_string("owner[id]=7&limit=5")
        .unwrap()
        .query;
    let first = list_page(&fake, ctx(&codec), &q, ResponseFormat::Unified)
        .await
        .unwrap();
    let cursor = first.next_cursor.unwrap();

    let mut other_filter = ListRequest::from_query_string("owner[id]=8&limit=5")
        .unwrap()
        .query;
    other_filter.cursor = Some(cursor.clone());
    let err = list_page(&fake, ctx(&codec), &other_filter, ResponseFormat::Unified)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("different set of filters"),
        "{err}"
    );

    let mut same = q.clone();
    same.cursor = Some(cursor);
    let other_account = ListContext {
        account_id: "another",
        codec: &codec,
    };
    let err = list_page(&fake, other_account, &same, ResponseFormat::Unified)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("another integrated account"),
        "{err}"
    );
    assert_eq!(fake.fetches(), 1);
}

#[tokio::test]
async fn raw_format_keeps_records_untouched() {
    let fake = Fake::new(2);
    let codec = codec();
    let page = list_page(
        &fake,
        ctx(&codec),
        &LeadQuery::default(),
        ResponseFormat::Raw,
    )
    .await
    .unwrap();
    let body = String::from_utf8(render(page, &ResponseOptions::default()).unwrap()).unwrap();
    assert_eq!(
        body,
        r#"{"result":[{"id":0,"owner":"o0","big":12345678901234567890},{"id":1,"owner":"o1","big":12345678901234567890}],"next_cursor":null}"#
    );
}

#[tokio::test]
async fn unified_output_attaches_remote_data_exactly() {
    let fake = Fake::new(1);
    let codec = codec();
    let page = list_page(
        &fake,
        ctx(&codec),
        &LeadQuery::default(),
        ResponseFormat::Unified,
    )
    .await
    .unwrap();
    let body = String::from_utf8(render(page, &ResponseOptions::default()).unwrap()).unwrap();
    assert_eq!(
        body,
        r#"{"result":[{"id":"0","owner":{"id":"o0"},"title":null,"remote_data":{"id":0,"owner":"o0","big":12345678901234567890}}],"next_cursor":null}"#
    );
}

#[tokio::test]
async fn a_record_that_does_not_fit_fails_the_page_naming_it() {
    let fake = Fake {
        broken: Some(1),
        ..Fake::new(3)
    };
    let codec = codec();
    let err = list_page(
        &fake,
        ctx(&codec),
        &LeadQuery::default(),
        ResponseFormat::Unified,
    )
    .await
    .unwrap_err();
    assert_eq!(err.http_status(), 502);
    assert!(err.to_string().contains("record #1 of the page"), "{err}");
    // The raw format still serves it: the caller can see what the provider sent.
    let page = list_page(
        &fake,
        ctx(&codec),
        &LeadQuery::default(),
        ResponseFormat::Raw,
    )
    .await
    .unwrap();
    assert_eq!(page.items.len(), 3);
}
