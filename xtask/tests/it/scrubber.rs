//! Done-when #2: a response laced with tokens, e-mails, phones and host names comes out of the
//! scrubber with none of them, ids and numbers intact, and the same input scrubs the same twice.

use xtask::scrub::fake::Faker;
use xtask::scrub::rules::RuleSet;
use xtask::scrub::{RawExchange, Scrubber};

const SF_TOKEN: &str = "00D5g000004ABCD!AQ8AQJjKsZLiveSessionToken0123456789abcdefghij";
const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGFAZ21haWwuY29tIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
const INSTANCE: &str = "https://acme-corp.my.salesforce.com";
const PROXY: &str = "http://127.0.0.1:45123";

fn salesforce_exchange() -> RawExchange {
    let body = format!(
        r#"{{"totalSize":2,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01gD0000002HU6KIAW-2000",
  "instance_url":"{INSTANCE}","access_token":"{SF_TOKEN}",
  "records":[
    {{"attributes":{{"type":"Lead","url":"/services/data/v62.0/sobjects/Lead/00Q5g00000ABCDEFGH"}},
     "Id":"00Q5g00000ABCDEFGH","OwnerId":"0055g00000XYZabcDE","FirstName":"Ada","LastName":"Lovelace",
     "Name":"Ada Lovelace","Email":"ada.lovelace@gmail.com","Phone":"(415) 555-2671",
     "MobilePhone":"+44 20 7946 0958","Street":"12 Analytical Row\nFloor 2","City":"London",
     "Description":"Call Ada on 415-555-2671 or ada.lovelace@gmail.com; portal {PROXY}/x",
     "Website":"{INSTANCE}/lightning/r/Lead/00Q5g00000ABCDEFGH/view",
     "Token__c":"Bearer {JWT}","Score__c":12345678901234567890123,"Ratio__c":1.10,
     "CreatedDate":"2024-01-01T09:30:00.000+0000"}},
    {{"attributes":{{"type":"Lead","url":"/services/data/v62.0/sobjects/Lead/00Q5g00000ABCDEFGI"}},
     "Id":"00Q5g00000ABCDEFGI","OwnerId":"0055g00000XYZabcDE","FirstName":"Grace","LastName":"Hopper",
     "Name":"Grace Hopper","Email":"GRACE@navy.mil","Phone":null,"MobilePhone":"5551234567",
     "Street":null,"Description":"Secondary: grace.hopper@yahoo.co.uk, owner ada.lovelace@gmail.com",
     "Website":null,"Referrer__c":"mailto:ada.lovelace@gmail.com","Token__c":"AKIAJ7Q3M5N2P4R6T8V1","Score__c":1,"Ratio__c":0.5e1,
     "CreatedDate":"2024-01-02T09:30:00.000+0000"}}
  ]}}"#
    );
    RawExchange {
        method: "GET".into(),
        path: "/services/data/v62.0/query".into(),
        query: vec![(
            "q".into(),
            "SELECT Id, Email FROM Lead WHERE Email IN ('nobody@example.com') ORDER BY Id".into(),
        )],
        request_headers: vec![
            ("authorization".into(), format!("Bearer {SF_TOKEN}")),
            ("host".into(), "127.0.0.1:45123".into()),
            ("sforce-query-options".into(), "batchSize=200".into()),
            ("user-agent".into(), "crm-leads/0.1.0".into()),
        ],
        request_body: Vec::new(),
        status: 200,
        response_headers: vec![
            (
                "content-type".into(),
                "application/json;charset=UTF-8".into(),
            ),
            ("sforce-limit-info".into(), "api-usage=18/15000".into()),
            (
                "set-cookie".into(),
                format!("sid={SF_TOKEN}; domain=acme-corp.my.salesforce.com"),
            ),
            ("location".into(), format!("{INSTANCE}/services/data")),
            ("x-request-owner".into(), "ada.lovelace@gmail.com".into()),
        ],
        response_body: body.into_bytes(),
    }
}

fn zoho_exchange() -> RawExchange {
    let body = r#"{"data":[{"id":"4876876000000624001","Owner":{"name":"Patricia Boyle","id":"4876876000000225013","email":"p.boyle@zylker.com"},
      "First_Name":"Christopher","Last_Name":"Brown","Full_Name":"Christopher Brown","Email":"christopher-maclead@gmail.com",
      "Secondary_Email":"chris@zylker.co.in","Phone":"555-555-5555","Mobile":"+91 98450 12345","Street":"37 Kahuku Loop",
      "Skype_ID":"christopher.brown","Description":"see https://www.zohoapis.eu/crm/v8/Leads and crm.zoho.eu",
      "Created_Time":"2021-08-04T14:08:39+03:00"}],
      "info":{"per_page":2,"count":1,"page":1,"more_records":true,"next_page_token":"c8582e7f8c3d2b1a"}}"#;
    RawExchange {
        method: "GET".into(),
        path: "/crm/v8/Leads".into(),
        query: vec![
            ("per_page".into(), "2".into()),
            ("page_token".into(), "abc".into()),
        ],
        request_headers: vec![(
            "authorization".into(),
            "Zoho-oauthtoken 1000.4d3c2b1a0f9e8d7c6b5a49382716.0a1b2c3d4e5f60718293a4b5c6d7e8f9"
                .into(),
        )],
        request_body: Vec::new(),
        status: 200,
        response_headers: vec![
            (
                "content-type".into(),
                "application/json;charset=utf-8".into(),
            ),
            ("x-ratelimit-remaining".into(), "99".into()),
        ],
        response_body: body.as_bytes().to_vec(),
    }
}

fn copper_exchange() -> RawExchange {
    let body = r#"[{"id":50307894,"name":"Dolores Abernathy","first_name":"Dolores","last_name":"Abernathy",
      "email":{"email":"dolores@westworld.io","category":"work"},"phone_numbers":[{"number":"(650) 253-0000","category":"mobile"}],
      "address":{"street":"1 Sweetwater Rd","city":"Sweetwater","state":"CA","postal_code":"94000","country":"US"},
      "socials":[{"url":"https://linkedin.com/in/dolores-abernathy","category":"linkedin"}],
      "details":"Met Dolores at the ranch","monetary_value":1000.50,"date_created":1489018784}]"#;
    RawExchange {
        method: "POST".into(),
        path: "/developer_api/v1/leads/search".into(),
        query: Vec::new(),
        request_headers: vec![
            (
                "x-pw-accesstoken".into(),
                "9f86d081884c7d659a2feaa0c55ad015".into(),
            ),
            ("x-pw-useremail".into(), "owner.person@westworld.io".into()),
            ("x-pw-application".into(), "developer_api".into()),
            ("content-type".into(), "application/json".into()),
        ],
        request_body: br#"{"page_number":1,"page_size":2,"emails":"nobody@example.com"}"#.to_vec(),
        status: 200,
        response_headers: vec![("x-pw-total".into(), "1".into())],
        response_body: body.as_bytes().to_vec(),
    }
}

fn scrub(provider: &str, raw: &RawExchange, secrets: &[&str], origins: &[&str]) -> String {
    let mut scrubber = Scrubber::new(Faker::default());
    for s in secrets {
        scrubber = scrubber.with_secret(s);
    }
    for o in origins {
        scrubber = scrubber.with_origin(o);
    }
    let exchange = scrubber
        .exchange(raw, &RuleSet::named(provider).unwrap(), 8)
        .unwrap();
    let scenario = crm_testkit::Scenario {
        provider: provider.into(),
        scenario: "recorded_three_pages".into(),
        source: "recorded by a test".into(),
        description: None,
        exchanges: vec![exchange],
    };
    scenario.to_json_pretty().unwrap()
}

fn assert_none_survive(text: &str, forbidden: &[&str]) {
    for f in forbidden {
        assert!(
            !text.to_lowercase().contains(&f.to_lowercase()),
            "`{f}` survived scrubbing:\n{text}"
        );
    }
}

#[test]
fn salesforce_response_keeps_no_secret_email_phone_name_or_host() {
    let raw = salesforce_exchange();
    let text = scrub("salesforce", &raw, &[SF_TOKEN], &[INSTANCE, PROXY]);
    assert_none_survive(
        &text,
        &[
            SF_TOKEN,
            "AQ8AQJ",
            JWT,
            "eyJ",
            "AKIAJ7Q3",
            "gmail",
            "ada.lovelace",
            "navy.mil",
            "yahoo",
            "Lovelace",
            "Ada ",
            "\"Ada\"",
            "Grace",
            "Hopper",
            "(415) 555-2671",
            "415-555-2671",
            "20 7946 0958",
            "5551234567",
            "Analytical",
            "acme-corp",
            "salesforce.com",
            "127.0.0.1",
            "set-cookie",
            "authorization",
            "user-agent",
            "x-request-owner",
        ],
    );
    // Ids, paging, dates, numbers (byte for byte) and the filter value on a reserved domain stay.
    for kept in [
        "00Q5g00000ABCDEFGH",
        "0055g00000XYZabcDE",
        "/services/data/v62.0/query/01gD0000002HU6KIAW-2000",
        "2024-01-01T09:30:00.000+0000",
        "12345678901234567890123",
        "1.10",
        "0.5e1",
        "nobody@example.com",
        "api-usage=18/15000",
        "batchSize=200",
        "https://instance.example.invalid",
        "London",
    ] {
        assert!(text.contains(kept), "`{kept}` was lost:\n{text}");
    }
    // The same e-mail gets the same fake wherever it appears (a rule's field, another record's
    // unlisted field), so the relation survives.
    let fake = Faker::default().email("ada.lovelace@gmail.com");
    assert_eq!(text.matches(&fake).count(), 2, "{text}");
    // A full name stays first + last.
    let f = Faker::default();
    assert!(text.contains(&format!("\"{} {}\"", f.name("Ada"), f.name("Lovelace"))));

    // Deterministic: a second, independent scrub of the same input is identical.
    assert_eq!(
        text,
        scrub("salesforce", &raw, &[SF_TOKEN], &[INSTANCE, PROXY])
    );
    // And the result passes `fixtures check`.
    assert_eq!(
        xtask::check::check_fixture("salesforce", "recorded_three_pages", &text),
        Vec::<String>::new()
    );
}

#[test]
fn zoho_and_copper_responses_are_scrubbed_too() {
    let zoho = scrub("zoho", &zoho_exchange(), &[], &["https://www.zohoapis.eu"]);
    assert_none_survive(
        &zoho,
        &[
            "Patricia",
            "Boyle",
            "zylker",
            "Christopher",
            "Brown",
            "maclead",
            "555-555-5555",
            "98450 12345",
            "Kahuku",
            "christopher.brown",
            "zohoapis",
            "zoho.eu",
            "1000.4d3c",
            "Zoho-oauthtoken",
        ],
    );
    for kept in [
        "4876876000000624001",
        "4876876000000225013",
        "c8582e7f8c3d2b1a",
        "x-ratelimit-remaining",
    ] {
        assert!(zoho.contains(kept), "`{kept}` was lost:\n{zoho}");
    }
    assert_eq!(
        zoho,
        scrub("zoho", &zoho_exchange(), &[], &["https://www.zohoapis.eu"])
    );

    let copper = scrub(
        "copper",
        &copper_exchange(),
        &["9f86d081884c7d659a2feaa0c55ad015"],
        &[],
    );
    assert_none_survive(
        &copper,
        &[
            "Dolores",
            "Abernathy",
            "westworld",
            "(650) 253-0000",
            "Sweetwater Rd",
            "linkedin.com/in",
            "ranch",
            "9f86d081",
            "x-pw-useremail",
            "x-pw-accesstoken",
        ],
    );
    for kept in [
        "50307894",
        "1000.50",
        "1489018784",
        "x-pw-application",
        "nobody@example.com",
        "x-pw-total",
    ] {
        assert!(copper.contains(kept), "`{kept}` was lost:\n{copper}");
    }
    assert_eq!(
        copper,
        scrub(
            "copper",
            &copper_exchange(),
            &["9f86d081884c7d659a2feaa0c55ad015"],
            &[]
        )
    );
}

#[test]
fn scrubbing_the_same_value_twice_in_one_run_gives_the_same_fake() {
    let scrubber = Scrubber::default();
    let rules = RuleSet::named("salesforce").unwrap();
    let page = |email: &str| {
        format!(r#"{{"records":[{{"Email":"{email}","Phone":"+1 (212) 555-0199"}}]}}"#)
    };
    let first = scrubber.json(&page("x.y@corp.io"), &rules).unwrap();
    let second = scrubber.json(&page("X.Y@CORP.IO"), &rules).unwrap();
    assert_eq!(first, second, "relations across pages survive");
    assert!(!first.contains("corp.io") && !first.contains("212"));
}
