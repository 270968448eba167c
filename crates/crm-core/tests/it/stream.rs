use crate::fake::Fake;
use crm_core::{stream_leads, Error, LeadQuery};
use futures::TryStreamExt;

#[tokio::test]
async fn walks_every_page_once() {
    let fake = Fake::new(95);
    let query = LeadQuery {
        limit: Some(10),
        ..LeadQuery::default()
    };
    let leads: Vec<_> = stream_leads(&fake, &query).try_collect().await.unwrap();
    assert_eq!(leads.len(), 95);
    assert!(leads.iter().enumerate().all(|(i, l)| l.id == i.to_string()));
    assert_eq!(fake.fetches(), 10);
}

#[tokio::test]
async fn stops_on_a_repeated_paging_position() {
    let fake = Fake {
        stuck: true,
        ..Fake::new(50)
    };
    let query = LeadQuery {
        limit: Some(10),
        ..LeadQuery::default()
    };
    let err = stream_leads(&fake, &query)
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidResponse { .. }));
    assert!(
        err.to_string().contains("same paging position twice"),
        "{err}"
    );
    assert_eq!(fake.fetches(), 2);
}

#[tokio::test]
async fn stops_after_too_many_empty_pages_that_claim_more() {
    let fake = Fake {
        empty_forever: true,
        ..Fake::new(50)
    };
    let err = stream_leads(&fake, &LeadQuery::default())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("empty pages in a row"), "{err}");
    assert_eq!(fake.fetches(), crm_core::list::MAX_EMPTY_PAGES);
}

#[tokio::test]
async fn validates_filters_before_the_first_call() {
    let fake = Fake::new(5);
    let mut query = LeadQuery::default();
    query.filters.state = Some("CA".into());
    let err = stream_leads(&fake, &query)
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnsupportedFilter { .. }));
    assert_eq!(fake.fetches(), 0);
}
