//! The binary itself, as `cargo xtask` runs it: exit codes, messages, and a real recording run
//! against a simulator with the documented environment variables.

use std::process::{Command, Output};

fn xtask(args: &[&str], env: &[(String, String)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .expect("xtask runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_passes_on_the_repository_and_fails_with_exit_code_1_on_a_planted_secret() {
    let ok = xtask(&["fixtures", "check"], &[]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stderr).contains("all clean"));

    let dir = tempfile::tempdir().unwrap();
    let fixtures = dir.path().join("fixtures");
    std::fs::create_dir_all(fixtures.join("pipedrive")).unwrap();
    std::fs::write(
        fixtures.join("pipedrive/recorded_three_pages.json"),
        crate::check::fixture(
            "pipedrive",
            "recorded_three_pages",
            "recorded",
            "Bearer 7f3a9c2e1b8d4f6a0e5c3b9d7a1f2e4c6b8d0a2f",
            "{}",
        ),
    )
    .unwrap();
    let bad = xtask(
        &["fixtures", "check", "--dir", fixtures.to_str().unwrap()],
        &[],
    );
    assert_eq!(bad.status.code(), Some(1));
    let stderr = text(&bad.stderr);
    assert!(stderr.contains("fixtures/pipedrive/recorded_three_pages.json: exchange #1: request header `Authorization` holds a secret-looking"), "{stderr}");
    assert!(stderr.contains("run `cargo xtask fixtures record --provider pipedrive --scenario three_pages` and commit"), "{stderr}");
    assert!(
        !stderr.contains("7f3a9c2e"),
        "the secret was echoed: {stderr}"
    );
}

#[test]
fn record_without_credentials_says_which_variables_to_set() {
    let out = xtask(&["fixtures", "record"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("no provider account configured"),
        "{stderr}"
    );
    assert!(
        stderr.contains("CRM_RECORD_SALESFORCE_BASE_URL"),
        "{stderr}"
    );

    let out = xtask(&["fixtures", "record", "--provider", "zoho"], &[]);
    assert!(
        text(&out.stderr).contains("zoho: no credentials; set CRM_RECORD_ZOHO_BASE_URL"),
        "{}",
        text(&out.stderr)
    );

    let env = [
        (
            "CRM_RECORD_ZOHO_BASE_URL".to_owned(),
            "http://127.0.0.1:9".to_owned(),
        ),
        ("CRM_RECORD_ZOHO_ACCESS_TOKEN".to_owned(), "t".to_owned()),
    ];
    let out = xtask(&["fixtures", "record", "--scenario", "custom_fields"], &env);
    assert!(
        text(&out.stderr).contains("unknown scenario `custom_fields`"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn scenarios_and_rules_are_listed() {
    let out = xtask(&["fixtures", "scenarios"], &[]);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("custom_fields") && stdout.contains("include_custom_fields=true"),
        "{stdout}"
    );
    let out = xtask(&["fixtures", "rules"], &[]);
    assert!(text(&out.stdout).contains("$..phone_numbers[*].number"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn record_writes_fixtures_from_a_simulator_named_by_environment_variables() {
    let sim = crm_sim::start(
        crm_sim::SimProvider::Pipedrive,
        crm_sim::SimConfig::new(3, 12),
    )
    .await
    .unwrap();
    let env: Vec<(String, String)> = crate::sim_env(std::slice::from_ref(&sim))
        .into_iter()
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("fixtures");
    let args = vec![
        "fixtures".to_owned(),
        "record".to_owned(),
        "--provider".to_owned(),
        "pipedrive".to_owned(),
        "--scenario".to_owned(),
        "three_pages".to_owned(),
        "--scenario".to_owned(),
        "unauthorized".to_owned(),
        "--out".to_owned(),
        out_dir.display().to_string(),
    ];
    let output = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        xtask(&args, &env)
    })
    .await
    .unwrap();
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("pipedrive   three_pages"), "{stdout}");
    assert!(
        stdout.contains("fixtures/pipedrive/recorded_three_pages.json"),
        "{stdout}"
    );
    assert!(
        stdout.contains("fixtures/pipedrive/recorded_unauthorized.json"),
        "{stdout}"
    );
    assert!(stderr.contains("2 of 2 scenario(s) written"), "{stderr}");
    let token = sim.credentials().api_key.unwrap();
    for name in ["recorded_three_pages", "recorded_unauthorized"] {
        let written =
            std::fs::read_to_string(out_dir.join("pipedrive").join(format!("{name}.json")))
                .unwrap();
        assert!(
            !written.contains(&token),
            "the API token reached the fixture"
        );
        assert!(
            !written.contains("127.0.0.1"),
            "the host reached the fixture"
        );
    }
    let check = xtask(
        &["fixtures", "check", "--dir", out_dir.to_str().unwrap()],
        &[],
    );
    assert!(check.status.success(), "{}", text(&check.stderr));
}
