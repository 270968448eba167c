//! The declared capabilities cover the documentation's floor for Salesforce.

use crm_salesforce::CAPABILITIES;

#[test]
fn covers_the_seed() {
    crm_testkit::seed::assert_covers_seed(&CAPABILITIES);
}

#[test]
fn page_sizes_follow_salesforce_batches() {
    assert_eq!(CAPABILITIES.max_page_size, 2000);
    assert_eq!(CAPABILITIES.natural_page_size, 2000);
}
