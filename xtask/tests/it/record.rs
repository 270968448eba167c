//! Done-when #1: every scenario of every provider is recorded from the simulators through the
//! proxy, and each written fixture replays through the test kit to the live run's output.

use crm_testkit::Scenario;
use xtask::record::{self, normalize_replay_output, run_query, RecordOptions, Status};
use xtask::scenarios::{self, query_from_description, Credentials};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_every_scenario_from_the_simulators_and_each_fixture_replays_to_the_live_output() {
    let sims = crate::start_sims().await;
    let env = crate::sim_env(&sims);
    let accounts = record::accounts_from(&[], &|name| env.get(name).cloned()).unwrap();
    assert_eq!(accounts.len(), crm_sim::SimProvider::ALL.len());
    let out = tempfile::tempdir().unwrap();

    let outcomes = record::record(&accounts, &RecordOptions::new(out.path()))
        .await
        .unwrap();
    let planned: usize = scenarios::providers()
        .into_iter()
        .map(|p| scenarios::for_provider(p).count())
        .sum();
    assert_eq!(outcomes.len(), planned);
    let problems: Vec<String> = outcomes
        .iter()
        .filter(|o| !matches!(o.status, Status::Written(_)))
        .map(|o| {
            format!(
                "{}/{} [{}]: {:?}",
                o.provider.as_str(),
                o.scenario,
                o.query,
                o.status
            )
        })
        .collect();
    assert!(problems.is_empty(), "not written:\n{}", problems.join("\n"));

    for outcome in &outcomes {
        let Status::Written(path) = &outcome.status else {
            unreachable!()
        };
        let label = format!("{}/{}", outcome.provider.as_str(), outcome.scenario);
        let scenario = Scenario::load(path).unwrap();
        assert_eq!(scenario.scenario, format!("recorded_{}", outcome.scenario));
        assert!(scenario
            .source
            .starts_with("recorded by cargo xtask fixtures record on "));
        let (query, pages) =
            query_from_description(scenario.description.as_deref().unwrap_or_default()).unwrap();
        assert_eq!(query, outcome.query, "{label}");
        let spec = scenarios::find(outcome.provider.as_str(), outcome.scenario).unwrap();
        let account = accounts
            .iter()
            .find(|a| a.provider == outcome.provider)
            .unwrap();

        let replay = crm_testkit::replay(&scenario).await;
        let connector = account
            .connector(&replay.uri(), spec.credentials == Credentials::Invalid)
            .unwrap();
        let output = run_query(connector.as_ref(), &query, pages).await.unwrap();
        replay.verify().await;
        let output = normalize_replay_output(&output, &replay.uri()).unwrap();
        let expected = outcome.expected.as_ref().unwrap();
        assert_eq!(
            record::first_difference(expected, &output, "$"),
            None,
            "{label}: replay differs from the live run"
        );
        assert_eq!(&output, expected, "{label}");

        // Sanity of what was recorded: the error scenarios recorded an error, the others leads.
        if spec.credentials == Credentials::Invalid {
            assert_eq!(output["error"]["status"], 401, "{label}: {output}");
        } else {
            assert!(output["error"].is_null(), "{label}: {output}");
        }
        // Personal data was there and was replaced; no credential or host reached the file.
        let text = std::fs::read_to_string(path).unwrap();
        if outcome.leads > 0 {
            let personal =
                outcome.stats.names + outcome.stats.phones + outcome.stats.other_personal;
            assert!(
                personal > 0,
                "{label}: nothing scrubbed ({:?})",
                outcome.stats
            );
        }
        for secret in account.secrets() {
            assert!(
                !text.contains(&secret),
                "{label}: a credential reached the fixture"
            );
        }
        assert!(
            !text.contains("127.0.0.1"),
            "{label}: the host reached the fixture"
        );
        if spec.name == "three_pages" {
            assert_eq!(outcome.pages, 3, "{label}");
            assert_eq!(outcome.leads, 6, "{label}");
        }
    }

    // Whatever was written passes the fixture check.
    let report = xtask::check::check_dir(out.path()).unwrap();
    assert!(report.is_clean(), "{:#?}", report.problems);
    assert_eq!(report.files, outcomes.len());
}
