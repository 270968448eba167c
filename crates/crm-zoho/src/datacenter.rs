//! Zoho's data centres as data: each one's API domain and accounts (OAuth) server.
//!
//! A Zoho account lives in exactly one data centre; its access token only works against that
//! centre's API domain, and its refresh token only against that centre's accounts server. The token
//! answer names the `api_domain`, so the refresh flow finds the accounts server with
//! [`accounts_server_for`] rather than asking the user.

/// One Zoho data centre.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataCentre {
    /// Short id, lower case: `us`, `eu`, `in`, `au`, `jp`, `cn`, `ca`, `sa`.
    pub id: &'static str,
    /// Where it is, for messages.
    pub name: &'static str,
    /// Base URL of the CRM API (`api_domain` in Zoho's token answer).
    pub api_domain: &'static str,
    /// Base URL of the OAuth server (`POST {accounts_server}/oauth/v2/token`).
    pub accounts_server: &'static str,
}

impl DataCentre {
    /// The API host without scheme (`www.zohoapis.eu`).
    fn api_host(&self) -> &'static str {
        self.api_domain
            .strip_prefix("https://")
            .unwrap_or(self.api_domain)
    }

    /// The registrable zone every API host of this centre sits under (`zohoapis.eu`).
    fn api_zone(&self) -> &'static str {
        let host = self.api_host();
        host.strip_prefix("www.").unwrap_or(host)
    }
}

/// Every data centre Zoho CRM runs in. Canada is the odd one out: its accounts server is on
/// `zohocloud.ca`, not `zoho.ca`.
pub static DATA_CENTRES: &[DataCentre] = &[
    DataCentre {
        id: "us",
        name: "United States",
        api_domain: "https://www.zohoapis.com",
        accounts_server: "https://accounts.zoho.com",
    },
    DataCentre {
        id: "eu",
        name: "Europe",
        api_domain: "https://www.zohoapis.eu",
        accounts_server: "https://accounts.zoho.eu",
    },
    DataCentre {
        id: "in",
        name: "India",
        api_domain: "https://www.zohoapis.in",
        accounts_server: "https://accounts.zoho.in",
    },
    DataCentre {
        id: "au",
        name: "Australia",
        api_domain: "https://www.zohoapis.com.au",
        accounts_server: "https://accounts.zoho.com.au",
    },
    DataCentre {
        id: "jp",
        name: "Japan",
        api_domain: "https://www.zohoapis.jp",
        accounts_server: "https://accounts.zoho.jp",
    },
    DataCentre {
        id: "cn",
        name: "China",
        api_domain: "https://www.zohoapis.com.cn",
        accounts_server: "https://accounts.zoho.com.cn",
    },
    DataCentre {
        id: "ca",
        name: "Canada",
        api_domain: "https://www.zohoapis.ca",
        accounts_server: "https://accounts.zohocloud.ca",
    },
    DataCentre {
        id: "sa",
        name: "Saudi Arabia",
        api_domain: "https://www.zohoapis.sa",
        accounts_server: "https://accounts.zoho.sa",
    },
];

/// The data centre with this id (`eu`, `EU`), if any.
pub fn by_id(id: &str) -> Option<&'static DataCentre> {
    let id = id.trim();
    DATA_CENTRES
        .iter()
        .find(|dc| dc.id.eq_ignore_ascii_case(id))
}

/// The data centre an API domain belongs to: `https://www.zohoapis.eu` and hosts under the same
/// zone (`sandbox.zohoapis.eu`) map to Europe. Matching is on whole host labels, so
/// `zohoapis.com.au` is Australia, never the US; a non-Zoho host gives `None`.
pub fn for_api_domain(api_domain: &str) -> Option<&'static DataCentre> {
    let url = url::Url::parse(api_domain.trim()).ok()?;
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    DATA_CENTRES.iter().find(|dc| {
        let zone = dc.api_zone();
        host == zone
            || host
                .strip_suffix(zone)
                .is_some_and(|prefix| prefix.ends_with('.'))
    })
}

/// The accounts server that refreshes tokens for an account on `api_domain`.
pub fn accounts_server_for(api_domain: &str) -> Option<&'static str> {
    for_api_domain(api_domain).map(|dc| dc.accounts_server)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_centre_maps_its_own_api_domain_back_to_itself() {
        for dc in DATA_CENTRES {
            assert_eq!(for_api_domain(dc.api_domain), Some(dc), "{}", dc.id);
            assert_eq!(by_id(dc.id), Some(dc));
            assert!(dc.accounts_server.starts_with("https://accounts.zoho"));
        }
    }

    #[test]
    fn accounts_servers_per_centre() {
        let cases = [
            ("https://www.zohoapis.com", "https://accounts.zoho.com"),
            ("https://www.zohoapis.eu", "https://accounts.zoho.eu"),
            ("https://www.zohoapis.in", "https://accounts.zoho.in"),
            (
                "https://www.zohoapis.com.au",
                "https://accounts.zoho.com.au",
            ),
            ("https://www.zohoapis.jp", "https://accounts.zoho.jp"),
            (
                "https://www.zohoapis.com.cn",
                "https://accounts.zoho.com.cn",
            ),
            ("https://www.zohoapis.ca", "https://accounts.zohocloud.ca"),
            ("https://www.zohoapis.sa", "https://accounts.zoho.sa"),
        ];
        for (api, accounts) in cases {
            assert_eq!(accounts_server_for(api), Some(accounts), "{api}");
        }
    }

    #[test]
    fn lookup_tolerates_case_paths_trailing_dots_and_sub_hosts() {
        assert_eq!(
            for_api_domain("HTTPS://WWW.ZOHOAPIS.EU/").map(|d| d.id),
            Some("eu")
        );
        assert_eq!(
            for_api_domain("https://www.zohoapis.com./crm/v8").map(|d| d.id),
            Some("us")
        );
        assert_eq!(
            for_api_domain("https://sandbox.zohoapis.com.au").map(|d| d.id),
            Some("au")
        );
        assert_eq!(
            for_api_domain("https://zohoapis.com.cn").map(|d| d.id),
            Some("cn")
        );
        assert_eq!(
            by_id(" CA ").map(|d| d.accounts_server),
            Some("https://accounts.zohocloud.ca")
        );
    }

    #[test]
    fn lookalike_and_foreign_hosts_match_nothing() {
        for domain in [
            "https://www.notzohoapis.com",
            "https://zohoapis.com.evil.example",
            "https://www.zohoapis.de",
            "https://accounts.zoho.com",
            "not a url",
            "",
            "http://127.0.0.1:8080",
        ] {
            assert_eq!(for_api_domain(domain), None, "{domain}");
        }
        assert_eq!(by_id("uk"), None);
    }
}
