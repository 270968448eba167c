//! Each supported filter: the fixtures match the query pairs exactly (percent-decoded), so these
//! tests prove the translation, including values with `'`, `\`, `"`, `(`, `,`, `&`, `#`, `%`, a
//! newline and non-ASCII letters; the snapshots show what came back.

use crate::support::{query_from, single_page};

const COUNTRY: &str = "Côte d'Ivoire \\ \"x\" (a,b) & #1 %20\nnext 中";
const STATE: &str = "Île-de-France & \"Nord\" (x, y) #2 % 'q' \\\n東京";
const EMAIL: &str = "o'brien+\"x\"\\(a,b)&#%\nzoë@example.com";

#[tokio::test]
async fn owner_id_is_one_search_field() {
    let page = single_page("filter_owner", &query_from(&[("owner[id]", "2240727")])).await;
    assert_eq!(page["result"][0]["owner"]["id"], "2240727");
    crm_testkit::assert_json_snapshot!("filter_owner", page);
}

#[tokio::test]
async fn country_is_sent_as_written() {
    let page = single_page("filter_country", &query_from(&[("country", COUNTRY)])).await;
    assert_eq!(page["result"][0]["addresses"][0]["country"], COUNTRY);
    crm_testkit::assert_json_snapshot!("filter_country", page);
}

#[tokio::test]
async fn state_is_sent_as_written() {
    let page = single_page("filter_state", &query_from(&[("state", STATE)])).await;
    crm_testkit::assert_json_snapshot!("filter_state", page);
}

#[tokio::test]
async fn one_email_address() {
    let page = single_page("filter_email", &query_from(&[("email_addresses[]", EMAIL)])).await;
    assert_eq!(page["result"][0]["email_addresses"][0]["email"], EMAIL);
    crm_testkit::assert_json_snapshot!("filter_email", page);
}

#[tokio::test]
async fn updated_at_gte_rounds_up_to_the_second() {
    let q = query_from(&[("updated_at[gte]", "2025-05-01T10:00:00.250Z")]);
    let page = single_page("filter_updated_at_gte", &q).await;
    crm_testkit::assert_json_snapshot!("filter_updated_at_gte", page);
}

#[tokio::test]
async fn updated_at_gt_is_the_next_second_in_utc() {
    let q = query_from(&[("updated_at[gt]", "2025-05-01T12:00:00+02:00")]);
    let page = single_page("filter_updated_at_gt", &q).await;
    crm_testkit::assert_json_snapshot!("filter_updated_at_gt", page);
}
