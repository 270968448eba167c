//! The declared capabilities reach the documented floor and are what the connector reports.

use crm_core::Connector;
use crm_insightly::CAPABILITIES;

#[test]
fn insightly_covers_the_seed() {
    crm_testkit::seed::assert_covers_seed(&CAPABILITIES);
    assert_eq!(CAPABILITIES.provider, crm_insightly::PROVIDER);
    assert_eq!(CAPABILITIES.max_page_size, 500);
    assert_eq!(CAPABILITIES.natural_page_size, 500);
}

#[test]
fn the_connector_reports_the_static_table() {
    let connector = crate::support::connector("http://127.0.0.1:9");
    assert!(std::ptr::eq(connector.capabilities(), &CAPABILITIES));
    crm_testkit::assert_json_snapshot!("capabilities", CAPABILITIES);
}
