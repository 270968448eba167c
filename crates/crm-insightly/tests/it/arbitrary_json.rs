//! `map_lead` on arbitrary JSON: never a panic; a record that does not fit is a `MapError` naming
//! the field, never a silent drop (generators and suite in `crm_testkit::arbitrary`).

use crm_insightly::{Config, InsightlyConnector};

use crm_testkit::arbitrary::{Fields, Shape::*};

const FIELDS: Fields = &[
    ("LEAD_ID", Int),
    ("SALUTATION", Text),
    ("FIRST_NAME", Text),
    ("LAST_NAME", Text),
    ("TITLE", Text),
    ("OWNER_USER_ID", Int),
    ("LEAD_SOURCE_ID", Int),
    ("CONVERTED", Bool),
    ("CONVERTED_CONTACT_ID", Int),
    ("CONVERTED_ORGANISATION_ID", Int),
    ("CONVERTED_DATE_UTC", Time),
    ("DATE_CREATED_UTC", Time),
    ("DATE_UPDATED_UTC", Time),
    ("LAST_ACTIVITY_DATE_UTC", Time),
    ("EMAIL", Text),
    ("PHONE", Text),
    ("MOBILE", Text),
    ("FAX", Text),
    ("ADDRESS_STREET", Text),
    ("ADDRESS_CITY", Text),
    ("ADDRESS_STATE", Text),
    ("ADDRESS_POSTCODE", Text),
    ("ADDRESS_COUNTRY", Text),
    (
        "CUSTOMFIELDS",
        List(&Object(&[
            ("FIELD_NAME", Text),
            ("FIELD_VALUE", Text),
            ("CUSTOM_FIELD_ID", Text),
        ])),
    ),
    ("TAGS", List(&Object(&[("TAG_NAME", Text)]))),
];

crm_testkit::map_lead_never_panics!(
    InsightlyConnector::new(Config::new("key")).expect("connector"),
    FIELDS
);
