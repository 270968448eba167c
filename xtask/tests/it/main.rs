//! xtask's integration tests (one binary): recording from the simulators end to end, the
//! scrubber on a response laced with personal data and secrets, and `fixtures check`.

mod architecture;
mod check;
mod cli;
mod proxy;
mod record;
mod scrubber;

use std::collections::HashMap;

/// Environment variables pointing every provider at a running simulator, as a user would set
/// them for real accounts.
pub fn sim_env(sims: &[crm_sim::SimHandle]) -> HashMap<String, String> {
    let mut env = HashMap::new();
    for sim in sims {
        let creds = sim.credentials();
        let base = sim.base_url().to_owned();
        let mut set = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                env.insert(k.to_owned(), v);
            }
        };
        match sim.provider() {
            crm_sim::SimProvider::Copper => {
                set("CRM_RECORD_COPPER_API_KEY", creds.api_key);
                set("CRM_RECORD_COPPER_USER_EMAIL", creds.user_email);
                set("CRM_RECORD_COPPER_BASE_URL", Some(base));
            }
            crm_sim::SimProvider::Insightly => {
                set("CRM_RECORD_INSIGHTLY_API_KEY", creds.api_key);
                set("CRM_RECORD_INSIGHTLY_BASE_URL", Some(base));
            }
            crm_sim::SimProvider::Pipedrive => {
                set("CRM_RECORD_PIPEDRIVE_API_TOKEN", creds.api_key);
                set("CRM_RECORD_PIPEDRIVE_BASE_URL", Some(base));
            }
            crm_sim::SimProvider::Salesforce => {
                set("CRM_RECORD_SALESFORCE_BASE_URL", Some(base));
                set("CRM_RECORD_SALESFORCE_ACCESS_TOKEN", creds.access_token);
            }
            crm_sim::SimProvider::Zoho => {
                set("CRM_RECORD_ZOHO_BASE_URL", Some(base));
                set("CRM_RECORD_ZOHO_ACCESS_TOKEN", creds.access_token);
            }
            crm_sim::SimProvider::ZendeskSell => {
                set("CRM_RECORD_ZENDESK_SELL_BASE_URL", Some(base));
                set("CRM_RECORD_ZENDESK_SELL_ACCESS_TOKEN", creds.access_token);
            }
        }
    }
    env
}

/// Starts the four simulators with a small deterministic dataset.
pub async fn start_sims() -> Vec<crm_sim::SimHandle> {
    let mut sims = Vec::new();
    for provider in crm_sim::SimProvider::ALL {
        let sim = crm_sim::start(provider, crm_sim::SimConfig::new(7, 30))
            .await
            .expect("simulator starts");
        sims.push(sim);
    }
    sims
}
