//! The state one simulator shares between its handlers: dataset, faults, auth, usage, stats and
//! the provider-specific cursors (Salesforce query locators, Zoho page tokens).

use std::collections::VecDeque;
use std::sync::Mutex;

use serde_json::Value;

use crate::auth::AuthState;
use crate::config::{SimConfig, SimProvider};
use crate::faults::{Budget, FaultState, Usage, UsageInfo};
use crate::stats::{LoggedRequest, SimStats};

/// How many requests the log keeps (oldest dropped first).
const LOG_CAPACITY: usize = 10_000;

#[derive(Debug)]
pub(crate) struct SimState {
    pub provider: SimProvider,
    pub base_url: String,
    pub config: SimConfig,
    pub records: Vec<Value>,
    /// `records` serialized with the provider's key order, for answers that return whole records.
    pub raw: Vec<String>,
    pub faults: Mutex<FaultState>,
    pub usage: Mutex<Usage>,
    pub auth: Mutex<AuthState>,
    pub stats: Mutex<SimStats>,
    pub log: Mutex<VecDeque<LoggedRequest>>,
    pub salesforce: crate::salesforce::SalesforceState,
    pub zoho: crate::zoho::ZohoState,
    pub zendesk_sell: crate::zendesk_sell::ZendeskSellState,
}

impl SimState {
    pub fn with_stats(&self, f: impl FnOnce(&mut SimStats)) {
        f(&mut self.stats.lock().unwrap_or_else(|e| e.into_inner()));
    }

    pub fn log(&self, req: LoggedRequest) {
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        if log.len() >= LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(req);
    }

    /// Current usage without counting a request (for answers that are not charged).
    pub fn peek_usage(&self, budget: Budget) -> UsageInfo {
        let mut u = self.usage.lock().unwrap_or_else(|e| e.into_inner());
        // Admitting against an enforced zero-size budget never records; use a copy to measure.
        match u.admit(
            Budget {
                limit: 0,
                window: budget.window,
            },
            true,
        ) {
            Ok(info) | Err(info) => UsageInfo {
                limit: budget.limit,
                ..info
            },
        }
    }

    pub fn auth(&self) -> std::sync::MutexGuard<'_, AuthState> {
        self.auth.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The configured latency, applied by token endpoints (data routes get it from the layer).
    pub async fn token_delay(&self) {
        let latency = self
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .faults
            .latency;
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
    }

    pub fn refresh_revoked(&self) -> bool {
        self.faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .faults
            .refresh_revoked
    }
}
