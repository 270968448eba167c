//! `GET /unified/crm/leads/meta?integrated_account_id=`: what the account's provider supports
//! (filters with operators, fields, page sizes), read from the connector's declared capabilities.

use crate::app::AppState;
use crate::errors::ApiError;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::Json;
use crm_core::capabilities::DEFAULT_PAGE_SIZE;
use crm_core::text::shorten;
use serde_json::{json, Value};

/// What the account's provider supports: filters with operators, fields, page sizes.
pub async fn meta(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let tenant = state.auth.authenticate(&headers, &state.store).await?;
    let mut id: Option<String> = None;
    for (key, value) in crm_core::params::decode_pairs(query.as_deref().unwrap_or(""))? {
        if key != "integrated_account_id" {
            return Err(ApiError::bad_request(format!(
                "invalid query parameter `{}`: unknown parameter; this route takes only integrated_account_id",
                shorten(&key)
            )));
        }
        let value = value.trim();
        match &id {
            _ if value.is_empty() => {}
            Some(existing) if existing != value => {
                return Err(ApiError::bad_request(
                    "invalid query parameter `integrated_account_id`: given twice with different values; give it once",
                ))
            }
            _ => id = Some(value.to_owned()),
        }
    }
    let account = state.account_for(&tenant, id.as_deref()).await?;
    let connector = state.registry.connector(&account).map_err(|e| {
        ApiError::internal(format!(
            "integrated account {} is misconfigured on this server ({e})",
            account.id
        ))
    })?;
    let caps = connector.capabilities();
    let filters: Vec<Value> = caps
        .filters
        .iter()
        .map(|f| {
            json!({
                "name": f.filter.as_str(),
                "parameter": f.filter.query_syntax(),
                "operators": f.operators.iter().map(|o| o.as_str()).collect::<Vec<_>>(),
                "maps_to": f.maps_to,
            })
        })
        .collect();
    let fields: Vec<&str> = caps.fields.iter().map(|f| f.as_str()).collect();
    Ok(Json(json!({
        "integrated_account_id": account.id.to_string(),
        "provider": caps.provider.as_str(),
        "provider_name": caps.provider.display_name(),
        "filters": filters,
        "fields": fields,
        "max_page_size": caps.max_page_size,
        "natural_page_size": caps.natural_page_size,
        "default_page_size": DEFAULT_PAGE_SIZE,
        "response_formats": ["unified", "raw", "normalized"],
        // Fields filled from linked records, and the extra provider calls per page that costs.
        "enrichment": caps.enrichment,
        "reserved_remote_query": caps.reserved_remote_query.iter().map(|r| r.key).collect::<Vec<_>>(),
    })))
}
