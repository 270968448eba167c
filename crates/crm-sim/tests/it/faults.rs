//! Every fault knob, per provider: status, headers and body format as the provider sends them,
//! and the refresh flow through the simulated token endpoints.

use std::time::{Duration, Instant};

use crm_sim::{Budget, Faults, SimConfig, SimHandle, SimProvider, Trigger};
use serde_json::{json, Value};

use crate::common::{client, enc, send, Answer};

/// A valid data request for `sim`, with the credentials it currently accepts.
fn data_req(sim: &SimHandle) -> reqwest::RequestBuilder {
    let c = sim.credentials();
    let base = sim.base_url();
    match sim.provider() {
        SimProvider::Copper => client()
            .post(format!("{base}/developer_api/v1/leads/search"))
            .header("X-PW-AccessToken", c.api_key.unwrap())
            .header("X-PW-Application", "developer_api")
            .header("X-PW-UserEmail", c.user_email.unwrap())
            .body(r#"{"page_size": 5}"#),
        SimProvider::Insightly => client()
            .get(format!("{base}/v3.1/Leads?top=5"))
            .basic_auth(c.api_key.unwrap(), Some("")),
        SimProvider::Pipedrive => client()
            .get(format!("{base}/api/v1/leads?limit=5"))
            .bearer_auth(c.access_token.unwrap()),
        SimProvider::Salesforce => client()
            .get(format!(
                "{base}/services/data/v60.0/query?q={}",
                enc("SELECT Id, Name FROM Lead ORDER BY Id LIMIT 5")
            ))
            .bearer_auth(c.access_token.unwrap()),
        SimProvider::Zoho => client()
            .get(format!("{base}/crm/v8/Leads?fields=Last_Name&per_page=50"))
            .header(
                "Authorization",
                format!("Zoho-oauthtoken {}", c.access_token.unwrap()),
            ),
        SimProvider::ZendeskSell => client()
            .get(format!("{base}/v2/leads?page=1&per_page=5&sort_by=id:asc"))
            .header("user-agent", "crm-sim-tests")
            .bearer_auth(c.access_token.unwrap()),
    }
}

/// The refresh-token grant, sent the way each provider documents it.
fn refresh_req(sim: &SimHandle, refresh_token: &str) -> reqwest::RequestBuilder {
    let c = sim.credentials();
    let url = c.token_url.clone().expect("token endpoint");
    let (id, secret) = (c.client_id.unwrap(), c.client_secret.unwrap());
    match sim.provider() {
        SimProvider::Pipedrive => client()
            .post(url)
            .basic_auth(id, Some(secret))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!(
                "grant_type=refresh_token&refresh_token={}",
                enc(refresh_token)
            )),
        SimProvider::Salesforce => client()
            .post(url)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!(
                "grant_type=refresh_token&refresh_token={}&client_id={}&client_secret={}",
                enc(refresh_token),
                enc(&id),
                enc(&secret)
            )),
        SimProvider::Zoho => client().post(format!(
            "{url}?grant_type=refresh_token&client_id={}&client_secret={}&refresh_token={}",
            enc(&id),
            enc(&secret),
            enc(refresh_token)
        )),
        SimProvider::ZendeskSell => client()
            .post(url)
            .basic_auth(id, Some(secret))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!(
                "grant_type=refresh_token&refresh_token={}",
                enc(refresh_token)
            )),
        SimProvider::Copper | SimProvider::Insightly => unreachable!("no token endpoint"),
    }
}

async fn sim(provider: SimProvider, faults: Faults) -> SimHandle {
    crm_sim::start(provider, SimConfig::new(51, 40).with_faults(faults))
        .await
        .unwrap()
}

/// The provider's rate-limit answer: status, body format, headers.
fn assert_rate_limited(p: SimProvider, a: &Answer, retry_after: Option<&str>) {
    assert_eq!(a.header("retry-after"), retry_after, "{p}");
    let b = if p == SimProvider::Insightly {
        json!(a.body)
    } else {
        a.json()
    };
    match p {
        SimProvider::Insightly => {
            assert_eq!(a.status, 429);
            assert_eq!(b, json!("Too many requests. Please retry later."));
        }
        SimProvider::Copper => {
            assert_eq!(a.status, 429);
            assert_eq!(b["success"], json!(false));
            assert_eq!(b["status"], json!(429));
        }
        SimProvider::Pipedrive => {
            assert_eq!(a.status, 429);
            assert_eq!(b["success"], json!(false));
            assert_eq!(b["errorCode"], json!(429));
            assert_eq!(a.header("x-ratelimit-remaining"), Some("0"));
            assert!(
                a.header("x-ratelimit-limit").is_some() && a.header("x-ratelimit-reset").is_some()
            );
        }
        SimProvider::Salesforce => {
            assert_eq!(a.status, 403);
            assert_eq!(
                b,
                json!([{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}])
            );
            assert!(a.header("sforce-limit-info").is_some());
        }
        SimProvider::Zoho => {
            assert_eq!(a.status, 429);
            assert_eq!(
                b,
                json!({"code": "RATE_LIMIT_EXCEEDED", "details": {}, "message": "Too many requests. Please try again later.", "status": "error"})
            );
        }
        SimProvider::ZendeskSell => {
            assert_eq!(a.status, 429);
            assert_eq!(
                b["errors"][0]["error"]["code"],
                json!("rate_limit_exceeded")
            );
            assert_eq!(b["meta"]["logref"].as_str(), a.header("x-request-id"));
        }
    }
}

#[tokio::test]
async fn rate_limit_next_n_then_recovers() {
    for p in SimProvider::ALL {
        let s = sim(
            p,
            Faults {
                rate_limit: Trigger::Next(3),
                ..Faults::default()
            },
        )
        .await;
        for _ in 0..3 {
            assert_rate_limited(p, &send(data_req(&s)).await, None);
        }
        assert_eq!(send(data_req(&s)).await.status, 200, "{p}");
        assert_eq!(s.stats().rate_limited, 3);
        assert_eq!(s.faults().rate_limit, Trigger::Next(0));
        // With Retry-After configured.
        s.set_faults(Faults {
            rate_limit: Trigger::Always,
            retry_after_secs: Some(7),
            ..Faults::default()
        });
        assert_rate_limited(p, &send(data_req(&s)).await, Some("7"));
    }
}

#[tokio::test]
async fn sequence_every_and_rate_triggers() {
    let s = sim(
        SimProvider::Zoho,
        Faults {
            server_error: Trigger::Sequence(vec![false, true, false, true]),
            ..Faults::default()
        },
    )
    .await;
    let mut got = Vec::new();
    for _ in 0..6 {
        got.push(send(data_req(&s)).await.status.as_u16());
    }
    assert_eq!(got, [200, 500, 200, 500, 200, 200]);
    s.set_faults(Faults {
        server_error: Trigger::Every(3),
        ..Faults::default()
    });
    let mut got = Vec::new();
    for _ in 0..6 {
        got.push(send(data_req(&s)).await.status.as_u16());
    }
    assert_eq!(got, [200, 200, 500, 200, 200, 500]);
    s.set_faults(Faults {
        server_error: Trigger::Rate(0.5),
        ..Faults::default()
    });
    let mut fails = 0;
    for _ in 0..60 {
        if send(data_req(&s)).await.status != 200 {
            fails += 1;
        }
    }
    assert!((10..50).contains(&fails), "{fails} of 60");
}

#[tokio::test]
async fn server_errors_in_each_format() {
    for p in SimProvider::ALL {
        let s = sim(
            p,
            Faults {
                server_error: Trigger::Next(1),
                server_error_status: 503,
                ..Faults::default()
            },
        )
        .await;
        let a = send(data_req(&s)).await;
        assert_eq!(a.status, 503, "{p}");
        let b = if p == SimProvider::Insightly {
            json!(a.body)
        } else {
            a.json()
        };
        match p {
            SimProvider::Insightly => assert_eq!(b, json!("An error has occurred.")),
            SimProvider::Copper => assert_eq!(b["status"], json!(503)),
            SimProvider::Pipedrive => assert_eq!(b["success"], json!(false)),
            SimProvider::Salesforce => assert_eq!(b[0]["errorCode"], json!("SERVER_UNAVAILABLE")),
            SimProvider::Zoho => assert_eq!(b["code"], json!("INTERNAL_ERROR")),
            SimProvider::ZendeskSell => {
                assert_eq!(b["meta"]["http_status"], json!("503 Service Unavailable"))
            }
        }
        assert_eq!(send(data_req(&s)).await.status, 200);
        // 500 by default; a non-5xx status is treated as 500.
        s.set_faults(Faults {
            server_error: Trigger::Next(1),
            server_error_status: 200,
            ..Faults::default()
        });
        assert_eq!(send(data_req(&s)).await.status, 500);
        assert_eq!(s.stats().server_errors, 2);
    }
}

#[tokio::test]
async fn truncated_and_non_json_bodies() {
    for p in SimProvider::ALL {
        let s = sim(p, Faults::default()).await;
        let full = send(data_req(&s)).await;
        assert_eq!(full.status, 200);
        s.set_faults(Faults {
            truncated_body: Trigger::Next(1),
            ..Faults::default()
        });
        let cut = send(data_req(&s)).await;
        assert_eq!(cut.status, 200, "{p}");
        assert!(cut
            .header("content-type")
            .unwrap()
            .starts_with("application/json"));
        assert!(
            serde_json::from_str::<Value>(&cut.body).is_err(),
            "{p}: {}",
            cut.body
        );
        assert!(
            !cut.body.is_empty() && full.body.starts_with(&cut.body),
            "{p}: a prefix of the real body"
        );
        s.set_faults(Faults {
            non_json_body: Trigger::Next(1),
            ..Faults::default()
        });
        let html = send(data_req(&s)).await;
        assert_eq!(html.status, 200);
        assert!(html
            .header("content-type")
            .unwrap()
            .starts_with("text/html"));
        assert!(html.body.starts_with("<!DOCTYPE html>"));
        assert_eq!(
            send(data_req(&s)).await.body,
            full.body,
            "{p}: back to normal"
        );
        assert_eq!(s.stats().mangled_bodies, 2);
    }
}

#[tokio::test]
async fn latency_is_added() {
    let s = sim(
        SimProvider::Pipedrive,
        Faults {
            latency: Duration::from_millis(150),
            ..Faults::default()
        },
    )
    .await;
    let t = Instant::now();
    assert_eq!(send(data_req(&s)).await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(150));
    s.update_faults(|f| f.latency = Duration::ZERO);
    assert_eq!(s.faults().latency, Duration::ZERO);
    assert_eq!(send(data_req(&s)).await.status, 200);
}

#[tokio::test]
async fn provider_budgets_are_enforced() {
    for p in SimProvider::ALL {
        let budget = Budget {
            limit: 3,
            window: Duration::from_secs(60),
        };
        let s = sim(
            p,
            Faults {
                budget: Some(budget),
                ..Faults::default()
            },
        )
        .await;
        for i in 0..3 {
            let a = send(data_req(&s)).await;
            assert_eq!(a.status, 200, "{p}");
            if p == SimProvider::Pipedrive {
                assert_eq!(a.header("x-ratelimit-limit"), Some("3"));
                assert_eq!(
                    a.header("x-ratelimit-remaining"),
                    Some((2 - i).to_string().as_str())
                );
            }
            if p == SimProvider::Salesforce {
                assert_eq!(
                    a.header("sforce-limit-info"),
                    Some(format!("api-usage={}/3", i + 1).as_str())
                );
            }
        }
        assert_rate_limited(p, &send(data_req(&s)).await, None);
        assert_eq!(s.stats().rate_limited, 1);
    }
    // The window rolls.
    let s = sim(
        SimProvider::Pipedrive,
        Faults {
            budget: Some(Budget {
                limit: 2,
                window: Duration::from_millis(300),
            }),
            ..Faults::default()
        },
    )
    .await;
    assert_eq!(send(data_req(&s)).await.status, 200);
    assert_eq!(send(data_req(&s)).await.status, 200);
    assert_eq!(send(data_req(&s)).await.status, 429);
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(send(data_req(&s)).await.status, 200);
    // The documented defaults.
    assert_eq!(
        Budget::provider_default(SimProvider::Copper),
        Budget {
            limit: 180,
            window: Duration::from_secs(60)
        }
    );
    assert_eq!(
        Budget::provider_default(SimProvider::Pipedrive).window,
        Duration::from_secs(2)
    );
}

/// The provider's "token expired" answer.
fn assert_expired(p: SimProvider, a: &Answer) {
    assert_eq!(a.status, 401, "{p}: {}", a.body);
    let b = if p == SimProvider::Insightly {
        json!(a.body)
    } else {
        a.json()
    };
    match p {
        SimProvider::Insightly => assert_eq!(b, json!("Authentication failed")),
        SimProvider::Copper => assert_eq!(b["status"], json!(401)),
        SimProvider::Pipedrive => assert_eq!(
            b,
            json!({"success": false, "error": "unauthorized access", "errorCode": 401})
        ),
        SimProvider::Salesforce => assert_eq!(
            b,
            json!([{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}])
        ),
        SimProvider::Zoho => assert_eq!(b["code"], json!("INVALID_TOKEN")),
        SimProvider::ZendeskSell => {
            assert_eq!(b["errors"][0]["error"]["code"], json!("unauthorized"))
        }
    }
}

#[tokio::test]
async fn expired_tokens_until_exactly_one_refresh() {
    for p in [
        SimProvider::Pipedrive,
        SimProvider::Salesforce,
        SimProvider::Zoho,
        SimProvider::ZendeskSell,
    ] {
        let s = sim(p, Faults::default()).await;
        let before = s.credentials();
        assert_eq!(send(data_req(&s)).await.status, 200);
        s.expire_access_token();
        assert_expired(p, &send(data_req(&s)).await);
        assert_expired(p, &send(data_req(&s)).await);
        let a = send(refresh_req(&s, before.refresh_token.as_deref().unwrap())).await;
        assert_eq!(a.status, 200, "{p}: {}", a.body);
        let t = a.json();
        let access = t["access_token"].as_str().unwrap();
        assert_ne!(Some(access), before.access_token.as_deref());
        match p {
            SimProvider::Salesforce => assert_eq!(t["instance_url"], json!(s.base_url())),
            SimProvider::Zoho => {
                assert_eq!(t["api_domain"], json!(s.base_url()));
                assert!(t["expires_in"].is_u64());
            }
            SimProvider::Pipedrive => {
                assert_eq!(t["api_domain"], json!(s.base_url()));
                assert_ne!(
                    t["refresh_token"].as_str(),
                    before.refresh_token.as_deref(),
                    "rotated"
                );
            }
            SimProvider::ZendeskSell => {
                assert_eq!(t["expires_in"], json!(3599));
                assert_eq!(t["token_type"], json!("bearer"));
            }
            SimProvider::Copper | SimProvider::Insightly => unreachable!(),
        }
        assert_eq!(s.credentials().access_token.as_deref(), Some(access));
        assert_eq!(
            send(data_req(&s)).await.status,
            200,
            "{p}: the new token works"
        );
        let st = s.stats();
        assert_eq!(
            (
                st.refreshes,
                st.refresh_failures,
                st.token_requests,
                st.unauthorized
            ),
            (1, 0, 1, 2),
            "{p}"
        );
    }
}

#[tokio::test]
async fn revoked_and_bad_refresh_requests() {
    for p in [
        SimProvider::Pipedrive,
        SimProvider::Salesforce,
        SimProvider::Zoho,
    ] {
        let s = sim(
            p,
            Faults {
                refresh_revoked: true,
                ..Faults::default()
            },
        )
        .await;
        let refresh = s.credentials().refresh_token.unwrap();
        let a = send(refresh_req(&s, &refresh)).await;
        match p {
            SimProvider::Zoho => {
                assert_eq!(a.status, 200);
                assert_eq!(a.json(), json!({"error": "invalid_code"}));
            }
            SimProvider::Salesforce => {
                assert_eq!(a.status, 400);
                assert_eq!(
                    a.json(),
                    json!({"error": "invalid_grant", "error_description": "expired access/refresh token"})
                );
            }
            _ => {
                assert_eq!(a.status, 400);
                assert_eq!(a.json()["error"], json!("invalid_grant"));
            }
        }
        s.set_faults(Faults::default());
        let a = send(refresh_req(&s, "not-a-refresh-token")).await;
        assert!(a.json()["error"].is_string(), "{p}");
        assert_eq!(send(refresh_req(&s, &refresh)).await.status, 200);
        assert_eq!(s.stats().refreshes, 1);
        assert_eq!(s.stats().refresh_failures, 2);
    }
    // Wrong client credentials.
    let s = sim(SimProvider::Pipedrive, Faults::default()).await;
    let c = s.credentials();
    let a = send(
        client()
            .post(c.token_url.unwrap())
            .basic_auth(c.client_id.unwrap(), Some("wrong"))
            .body(format!(
                "grant_type=refresh_token&refresh_token={}",
                c.refresh_token.unwrap()
            )),
    )
    .await;
    assert_eq!(a.status, 401);
    assert_eq!(a.json()["error"], json!("invalid_client"));
    let s = sim(SimProvider::Salesforce, Faults::default()).await;
    let c = s.credentials();
    let a = send(
        client()
            .post(c.token_url.unwrap())
            .body("grant_type=refresh_token&client_id=nope"),
    )
    .await;
    assert_eq!(
        a.json(),
        json!({"error": "invalid_client_id", "error_description": "client identifier invalid"})
    );
}

#[tokio::test]
async fn copper_api_key_revocation() {
    let s = sim(SimProvider::Copper, Faults::default()).await;
    s.expire_access_token();
    assert_expired(SimProvider::Copper, &send(data_req(&s)).await);
    s.set_api_key_valid(true);
    assert_eq!(send(data_req(&s)).await.status, 200);
    // Pipedrive API tokens do not expire with the OAuth token.
    let s = sim(SimProvider::Pipedrive, Faults::default()).await;
    s.expire_access_token();
    let a = send(
        client()
            .get(format!("{}/v1/leads", s.base_url()))
            .header("x-api-token", s.credentials().api_key.unwrap()),
    )
    .await;
    assert_eq!(a.status, 200);
    s.set_api_key_valid(false);
    let a = send(
        client()
            .get(format!("{}/v1/leads", s.base_url()))
            .header("x-api-token", s.credentials().api_key.unwrap()),
    )
    .await;
    assert_eq!(a.status, 401);
}

#[tokio::test]
async fn unknown_paths_answer_in_the_provider_format() {
    for p in SimProvider::ALL {
        let s = sim(p, Faults::default()).await;
        let a = send(client().get(format!("{}/nope", s.base_url()))).await;
        assert_eq!(a.status, 404, "{p}");
        let b = if p == SimProvider::Insightly {
            json!(a.body)
        } else {
            a.json()
        };
        match p {
            SimProvider::Insightly => assert_eq!(b, json!("Resource not found.")),
            SimProvider::Copper => assert_eq!(b["message"], json!("Resource not found")),
            SimProvider::Pipedrive => assert_eq!(b["success"], json!(false)),
            SimProvider::Salesforce => assert_eq!(b[0]["errorCode"], json!("NOT_FOUND")),
            SimProvider::Zoho => assert_eq!(b["code"], json!("INVALID_URL_PATTERN")),
            SimProvider::ZendeskSell => {
                assert_eq!(b["errors"][0]["error"]["code"], json!("incorrect_path"))
            }
        }
        assert_eq!(s.stats().requests, 1);
        assert_eq!(s.stats().api_requests, 0);
    }
}
