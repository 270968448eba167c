//! `GET /openapi.json`: an OpenAPI 3.1 description of the API, written by hand and completed from
//! the providers' capabilities (which filter each provider supports, with which operators), so
//! that it cannot drift from what the server does. Tests check it names every parameter the query
//! reader knows (`crm_core::params::KNOWN_PARAMETERS`) and every error status the handler returns.

use crate::app::AppState;
use crate::errors::LIST_ERROR_STATUSES;
use axum::extract::State;
use axum::Json;
use crm_core::capabilities::DEFAULT_PAGE_SIZE;
use crm_core::{Capabilities, FilterKey};
use serde_json::{json, Map, Value};

pub async fn openapi_json(State(state): State<AppState>) -> Json<Value> {
    Json(document(&state.all_capabilities))
}

fn supported_by(all: &[&Capabilities], key: FilterKey) -> (Vec<&'static str>, Vec<&'static str>) {
    let mut providers = Vec::new();
    let mut operators = Vec::new();
    for caps in all {
        if let Some(f) = caps.filter(key) {
            providers.push(caps.provider.display_name());
            for op in f.operators {
                if !operators.contains(&op.as_str()) {
                    operators.push(op.as_str());
                }
            }
        }
    }
    (providers, operators)
}

fn filter_param(
    all: &[&Capabilities],
    key: FilterKey,
    name: &str,
    description: &str,
    mut schema: Value,
    style: Option<&str>,
) -> Value {
    let (providers, operators) = supported_by(all, key);
    let who = if providers.is_empty() {
        "no provider".to_owned()
    } else {
        providers.join(", ")
    };
    let mut p = json!({
        "name": name,
        "in": "query",
        "required": false,
        "description": format!("{description} Supported by: {who}. Other providers answer 400 naming this filter and the providers that support it."),
        "x-supported-by": providers,
    });
    if key.is_time() {
        p["x-operators"] = json!(operators);
        // The bare form is equality.
        schema = json!({
            "oneOf": [
                {"type": "string", "format": "date-time"},
                {"type": "object", "properties": {
                    "gt": {"type": "string", "format": "date-time"},
                    "gte": {"type": "string", "format": "date-time"},
                    "lt": {"type": "string", "format": "date-time"},
                    "lte": {"type": "string", "format": "date-time"}
                }, "additionalProperties": false}
            ]
        });
    }
    p["schema"] = schema;
    if let Some(style) = style {
        p["style"] = json!(style);
        p["explode"] = json!(true);
    }
    p
}

fn object_id() -> Value {
    json!({"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"], "additionalProperties": false})
}

fn common_params() -> Vec<Value> {
    vec![
        json!({"name": "integrated_account_id", "in": "query", "required": true,
            "description": "The id of the connected account. Missing: 400 with truto_error_insight.missing_required_query_parameters. Not a uuid: 400. Unknown, or another tenant's: 404.",
            "schema": {"type": "string", "format": "uuid"}, "example": "62f44730-dd91-461e-bd6a-aedd9e0ad79d"}),
        json!({"name": "limit", "in": "query", "required": false,
            "description": format!("Page size, default {DEFAULT_PAGE_SIZE}, clamped to the provider's maximum (see the meta route). Not a positive integer: 400."),
            "schema": {"type": "integer", "minimum": 1, "default": DEFAULT_PAGE_SIZE}}),
        json!({"name": "next_cursor", "in": "query", "required": false,
            "description": "The opaque cursor of the previous page. A cursor that was altered, or issued for another account or another set of filters: 400. Empty means absent.",
            "schema": {"type": "string"}}),
        json!({"name": "truto_response_format", "in": "query", "required": false,
            "description": "unified: the unified mapping. raw: the provider's records untouched, same envelope and paging. normalized: unified, then emails trimmed and lower-cased, phone numbers in E.164 where they parse, countries as ISO 3166-1 alpha-2 where recognised, null fields and empty lists dropped.",
            "schema": {"type": "string", "enum": ["unified", "raw", "normalized"], "default": "unified"}}),
        json!({"name": "truto_key_by", "in": "query", "required": false,
            "description": "A field path (`id`, `owner.id`): `result` becomes an object keyed by it. A result without the field, or a value repeated on the page: 400.",
            "schema": {"type": "string"}, "example": "id"}),
        json!({"name": "truto_ignore_limit", "in": "query", "required": false,
            "description": "Send no page size to the provider; return its natural page.",
            "schema": {"type": "boolean"}}),
        json!({"name": "truto_ignore_remote_data", "in": "query", "required": false,
            "description": "Drop `remote_data` from each result.",
            "schema": {"type": "boolean"}}),
        json!({"name": "truto_exclude_fields", "in": "query", "required": false,
            "description": "Fields to drop from each result; dotted paths allowed. As an array (`truto_exclude_fields[]=id&truto_exclude_fields[]=name`) or comma-separated.",
            "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": true}),
        json!({"name": "remote_query", "in": "query", "required": false,
            "description": "Passed to the provider untransformed (`remote_query[foo]=bar`). It can never override auth, paging or the translated filters: such keys are refused with 400.",
            "schema": {"type": "object", "additionalProperties": {"type": "string"}}, "style": "deepObject", "explode": true}),
    ]
}

fn filter_params(all: &[&Capabilities]) -> Vec<Value> {
    let s = || json!({"type": "string"});
    vec![
        filter_param(all, FilterKey::OwnerId, "owner", "The lead's owner: `owner[id]=...`.", object_id(), Some("deepObject")),
        filter_param(all, FilterKey::ContactId, "contact", "The contact associated with the lead: `contact[id]=...`.", object_id(), Some("deepObject")),
        filter_param(all, FilterKey::OrganizationId, "organization", "The lead's organization: `organization[id]=...` or `organization=...`.", object_id(), Some("deepObject")),
        filter_param(all, FilterKey::AccountId, "account", "The lead's account: `account[id]=...`.", object_id(), Some("deepObject")),
        filter_param(all, FilterKey::Name, "name", "The lead's name.", s(), None),
        filter_param(all, FilterKey::Country, "country", "The lead's country.", s(), None),
        filter_param(all, FilterKey::State, "state", "The lead's state.", s(), None),
        filter_param(all, FilterKey::LeadSource, "lead_source", "The lead's source.", s(), None),
        filter_param(all, FilterKey::CreatedAt, "created_at", "Creation time, ISO 8601: `created_at[gte]=2024-01-01T00:00:00Z` (gt, gte, lt, lte) or `created_at=...` for equality; a date alone is midnight UTC. Not a date-time, or an unknown operator: 400.", s(), Some("deepObject")),
        filter_param(all, FilterKey::UpdatedAt, "updated_at", "Last update time, as `created_at`.", s(), Some("deepObject")),
        filter_param(all, FilterKey::ConvertedAt, "converted_at", "Conversion time, as `created_at`.", s(), Some("deepObject")),
        filter_param(all, FilterKey::EmailAddresses, "email_addresses", "Email addresses: `email_addresses[]=a@x.com` (also `email_addresses[0]=` or repeated keys).", json!({"type": "array", "items": {"type": "string"}}), Some("form")),
        filter_param(all, FilterKey::IncludeCustomFields, "include_custom_fields", "Add `custom_fields` (`{api_name: value}`) to each lead.", json!({"type": "boolean"}), None),
        filter_param(all, FilterKey::CustomFields, "custom_fields", "Custom field equality: `custom_fields[Score__c]=5`.", json!({"type": "object", "additionalProperties": {"type": "string"}}), Some("deepObject")),
    ]
}

fn nullable(t: &str) -> Value {
    json!({"type": [t, "null"]})
}

fn nullable_time() -> Value {
    json!({"type": ["string", "null"], "format": "date-time"})
}

fn schemas() -> Value {
    let ref_obj =
        json!({"type": ["object", "null"], "properties": {"id": {"type": ["string", "null"]}}});
    json!({
        "Lead": {
            "type": "object",
            "description": "A field the provider cannot supply is omitted; a supported field with no value is null; lists with no items are []. Date-times are RFC 3339 in UTC with Z.",
            "required": ["id"],
            "properties": {
                "id": {"type": "string"},
                "owner": ref_obj,
                "lead_source": nullable("string"),
                "title": nullable("string"),
                "contact": ref_obj,
                "account": ref_obj,
                "first_name": nullable("string"),
                "last_name": nullable("string"),
                "addresses": {"type": "array", "items": {"type": "object", "properties": {
                    "street_1": nullable("string"), "street_2": nullable("string"), "city": nullable("string"),
                    "state": nullable("string"), "postal_code": nullable("string"), "country": nullable("string"),
                    "type": nullable("string")}}},
                "email_addresses": {"type": "array", "items": {"type": "object", "properties": {
                    "email": {"type": "string"}, "type": nullable("string")}}},
                "phone_numbers": {"type": "array", "items": {"type": "object", "properties": {
                    "number": {"type": "string"}, "extension": nullable("string"), "type": nullable("string")}}},
                "last_activity_at": nullable_time(),
                "created_at": nullable_time(),
                "updated_at": nullable_time(),
                "converted_at": nullable_time(),
                "converted_contact": nullable("string"),
                "converted_account": nullable("string"),
                "custom_fields": {"type": "object", "description": "With include_custom_fields=true (Salesforce)."},
                "remote_data": {"type": "object", "description": "The provider's record exactly as it came."}
            }
        },
        "ListLeadsResponse": {
            "type": "object",
            "required": ["result", "next_cursor"],
            "properties": {
                "result": {
                    "description": "The page's leads (unified or normalized), or the provider's records (raw). An object keyed by the truto_key_by field when given.",
                    "oneOf": [
                        {"type": "array", "items": {"$ref": "#/components/schemas/Lead"}},
                        {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Lead"}}
                    ]
                },
                "next_cursor": {"type": ["string", "null"], "description": "Pass as next_cursor for the next page; null exactly when the provider says there is nothing more. Never \"\"."}
            }
        },
        "Error": {
            "type": "object",
            "required": ["statusCode", "error", "message"],
            "properties": {
                "statusCode": {"type": "integer"},
                "error": {"type": "string", "description": "The status's reason phrase."},
                "message": {"type": "string"},
                "truto_is_remote_error": {"type": "boolean", "description": "Present (true) when the error comes from the provider's answer or its absence."},
                "raw_response": {"description": "The provider's body: JSON when it parses, else text."},
                "truto_error_insight": {"type": "object", "properties": {
                    "missing_required_query_parameters": {"type": "array", "items": {"type": "string"}}}}
            }
        },
        "Meta": {
            "type": "object",
            "properties": {
                "integrated_account_id": {"type": "string", "format": "uuid"},
                "provider": {"type": "string", "enum": crm_providers::providers().map(|p| p.as_str()).collect::<Vec<_>>()},
                "provider_name": {"type": "string"},
                "filters": {"type": "array", "items": {"type": "object", "properties": {
                    "name": {"type": "string"}, "parameter": {"type": "string"},
                    "operators": {"type": "array", "items": {"type": "string", "enum": ["eq", "gt", "gte", "lt", "lte"]}},
                    "maps_to": {"type": "string"}}}},
                "fields": {"type": "array", "items": {"type": "string"}},
                "max_page_size": {"type": "integer"},
                "natural_page_size": {"type": "integer"},
                "default_page_size": {"type": "integer"},
                "response_formats": {"type": "array", "items": {"type": "string"}}
            }
        }
    })
}

fn ratelimit_headers() -> Value {
    json!({
        "ratelimit-limit": {"description": "The provider's request budget for the window, when it reports one.", "schema": {"type": "integer"}},
        "ratelimit-remaining": {"description": "Requests left in the window.", "schema": {"type": "integer"}},
        "ratelimit-reset": {"description": "Seconds until the window resets.", "schema": {"type": "integer"}}
    })
}

fn error_response(status: u16) -> Value {
    let description = match status {
        400 => "A bad parameter: missing or malformed integrated_account_id, unknown parameter, unsupported filter (naming the providers that support it), bad operator, bad date, bad limit, bad cursor, truto_key_by problems; or the provider's own 400 (truto_is_remote_error).",
        401 => "Missing or wrong API key; or the provider rejected the account's credentials (truto_is_remote_error).",
        403 => "The provider refused access with valid credentials (missing permission or scope).",
        404 => "Unknown integrated account, or one of another tenant; or the provider answered not found (truto_is_remote_error).",
        429 => "The provider's rate limit (429, or Salesforce's REQUEST_LIMIT_EXCEEDED). Retry after Retry-After seconds.",
        500 => "The server's own failure (account store unreachable, a misconfigured account). Never caused by a caller or a provider.",
        502 => "The provider failed (5xx), could not be reached, or sent a body that could not be read.",
        504 => "The provider did not answer in time, or the request exceeded the server's request timeout.",
        _ => "Error.",
    };
    let mut r = json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    });
    if status == 429 {
        let mut headers = ratelimit_headers();
        headers["Retry-After"] = json!({"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}});
        r["headers"] = headers;
    }
    r
}

/// The whole document.
pub fn document(all: &[&Capabilities]) -> Value {
    let mut params = common_params();
    params.extend(filter_params(all));
    let mut list_responses = Map::new();
    list_responses.insert(
        "200".into(),
        json!({
            "description": "One page of leads.",
            "headers": ratelimit_headers(),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ListLeadsResponse"}}}
        }),
    );
    for status in LIST_ERROR_STATUSES {
        list_responses.insert(status.to_string(), error_response(*status));
    }
    list_responses.insert(
        "4XX".into(),
        json!({
            "description": "Another 4xx status of the provider, passed through (truto_is_remote_error).",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        }),
    );
    let mut meta_responses = Map::new();
    meta_responses.insert(
        "200".into(),
        json!({"description": "What the account's provider supports.",
               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Meta"}}}}),
    );
    for status in [400, 401, 404, 500] {
        meta_responses.insert(status.to_string(), error_response(status));
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Unified CRM leads API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "GET /unified/crm/leads lists the leads of one connected Copper, Pipedrive, Salesforce or Zoho CRM account in one unified shape, page by page. Query syntax: bracket objects (owner[id]=1), operators (created_at[gte]=...), arrays (email_addresses[]=a, [0]= or repeated keys), percent-encoded brackets. Unknown parameters are refused with 400."
        },
        "servers": [{"url": "http://127.0.0.1:8080"}],
        "security": [{"bearer": []}],
        "paths": {
            "/unified/crm/leads": {
                "get": {
                    "operationId": "listLeads",
                    "summary": "List leads",
                    "parameters": params,
                    "responses": list_responses
                }
            },
            "/unified/crm/leads/meta": {
                "get": {
                    "operationId": "leadsMeta",
                    "summary": "What the account's provider supports: filters with operators, fields, page sizes",
                    "parameters": [common_params().remove(0)],
                    "responses": meta_responses
                }
            },
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "summary": "Liveness and account store reachability",
                    "security": [],
                    "responses": {
                        "200": {"description": "Healthy."},
                        "503": {"description": "The account store is unreachable."}
                    }
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": {"description": "The OpenAPI document."}}
                }
            }
        },
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer <api key>. Not needed in sandbox mode."}
            }
        }
    })
}
