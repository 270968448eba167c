//! `GET /unified/crm/leads`.

use crate::app::AppState;
use crate::errors::{rate_limit_headers, ApiError};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use crm_core::shape::render_unless;
use crm_core::{list_page, render, Error, ListContext, ListRequest, ListedPage, ResponseOptions};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Lists one page of the account's leads.
///
/// Order of checks: API key (401), query syntax (400), `integrated_account_id` present (400 with
/// insight) and a uuid (400), the caller's account (404), then the pipeline: unsupported filters
/// and operators, limits and cursors (400) before any provider call, provider errors after.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let tenant = state.auth.authenticate(&headers, &state.store).await?;
    let request = ListRequest::from_query_string(query.as_deref().unwrap_or(""))?;
    let account = state
        .account_for(&tenant, request.integrated_account_id.as_deref())
        .await?;
    let connector = state.registry.connector(&account).map_err(|e| {
        tracing::error!(error = %e, "the account's stored settings do not make a connector");
        ApiError::internal(format!(
            "integrated account {} is misconfigured on this server ({e}); fix it with `crm-server accounts`",
            account.id
        ))
    })?;
    let account_id = account.id.to_string();
    let context = ListContext {
        account_id: &account_id,
        codec: &state.codec,
    };
    let page = list_page(
        connector.as_ref(),
        context,
        &request.query,
        request.options.format,
    )
    .await
    .map_err(|e| explain(&state, e))?;
    let rate_limit = page.rate_limit;
    let body = shape(page, request.options).await?;
    let mut response = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response();
    rate_limit_headers(response.headers_mut(), &rate_limit);
    Ok(response)
}

/// Renders the page. Plain pages are straight serialization and stay on the runtime; shaping
/// (exclusions, key_by, normalizing) runs on the blocking pool so that one request's CPU work never
/// stalls the others, and stops as soon as this future is dropped (the request timed out or the
/// caller went away), so no request's work outlives it.
async fn shape(page: ListedPage, options: ResponseOptions) -> Result<Vec<u8>, ApiError> {
    if options.is_plain() {
        return Ok(render(page, &options)?);
    }
    /// Raises the flag when the request's future is dropped.
    struct CancelOnDrop(Arc<AtomicBool>);
    impl Drop for CancelOnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
    let cancelled = Arc::new(AtomicBool::new(false));
    let _guard = CancelOnDrop(cancelled.clone());
    let work = tokio::task::spawn_blocking(move || {
        render_unless(page, &options, &|| cancelled.load(Ordering::Relaxed))
    });
    match work.await {
        Ok(Ok(Some(body))) => Ok(body),
        Ok(Err(e)) => Err(e.into()),
        // Cancelled only after this future was dropped, so nobody reads this answer.
        Ok(Ok(None)) | Err(_) => Err(ApiError::internal("the response could not be shaped")),
    }
}

/// Fills in who supports a refused filter: connectors only know themselves.
fn explain(state: &AppState, e: Error) -> ApiError {
    match e {
        Error::UnsupportedFilter {
            filter, provider, ..
        } => ApiError::from(Error::UnsupportedFilter {
            filter,
            provider,
            supported_by: state.supported_by(filter),
        }),
        other => other.into(),
    }
}
