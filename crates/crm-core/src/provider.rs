//! The four CRM providers this project speaks to.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// A CRM provider. Used to label capabilities, errors and cursors; `crm-core` holds no provider logic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Copper,
    Pipedrive,
    Salesforce,
    Zoho,
}

impl Provider {
    pub const ALL: [Provider; 4] = [
        Provider::Copper,
        Provider::Pipedrive,
        Provider::Salesforce,
        Provider::Zoho,
    ];

    /// The machine name used in configuration, cursors and the capabilities file.
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Copper => "copper",
            Provider::Pipedrive => "pipedrive",
            Provider::Salesforce => "salesforce",
            Provider::Zoho => "zoho",
        }
    }

    /// The product name, as the endpoint documentation spells it.
    pub fn display_name(self) -> &'static str {
        match self {
            Provider::Copper => "Copper",
            Provider::Pipedrive => "Pipedrive",
            Provider::Salesforce => "Salesforce",
            Provider::Zoho => "Zoho CRM",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

impl FromStr for Provider {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Provider::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                format!(
                    "unknown provider `{s}`; expected one of copper, pipedrive, salesforce, zoho"
                )
            })
    }
}
