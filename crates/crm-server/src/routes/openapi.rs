//! `GET /openapi.json`: an OpenAPI 3.1 description of the API, written by hand and completed from
//! the providers' capabilities (which filter each provider supports, with which operators), so
//! that it cannot drift from what the server does. Tests check it names every parameter the query
//! reader knows (`crm_core::params::known_parameters`) and every error status the handler returns.
//! It describes the running server: in sandbox mode (no API key needed) it has no security
//! requirement and names the sandbox accounts as examples of `integrated_account_id`; otherwise
//! every route but `/healthz` and `/openapi.json` requires bearer auth.

use crate::app::AppState;
use crate::auth::Auth;
use crate::errors::LIST_ERROR_STATUSES;
use axum::extract::State;
use axum::Json;
use crm_core::capabilities::DEFAULT_PAGE_SIZE;
use crm_core::query::{Syntax, FILTERS};
use crm_core::{Capabilities, FilterKey};
use serde_json::{json, Map, Value};

pub async fn openapi_json(State(state): State<AppState>) -> Json<Value> {
    let mode = match state.auth {
        Auth::Keys { .. } => Mode::ApiKeys,
        Auth::Open { .. } => Mode::Sandbox,
    };
    Json(document(&state.all_capabilities, mode))
}

/// The server the document describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Callers send `Authorization: Bearer <api key>`.
    ApiKeys,
    /// No key needed (loopback only), and the fixed sandbox accounts.
    Sandbox,
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
        // The bare form is equality, as is `[eq]`.
        schema = json!({
            "oneOf": [
                time_value(),
                {"type": "object", "properties": {
                    "eq": time_value(),
                    "gt": time_value(),
                    "gte": time_value(),
                    "lt": time_value(),
                    "lte": time_value()
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

/// The empty value. The query reader skips a parameter whose value is empty (`limit=` is the
/// default page size), so an empty value is valid for every optional parameter, whatever its type.
fn empty() -> Value {
    json!({"type": "string", "const": ""})
}

/// A date-time filter's value as the reader takes it: RFC 3339 (also with `t` or a space between
/// date and time), `T` with an offset without a colon (`+0100`, Salesforce's shape), or a date
/// alone (midnight UTC); or empty. The pattern spells out the shapes beyond `format: date-time`;
/// like the formats, it does not know the calendar (`2024-11-31` matches it, and is a 400).
fn time_value() -> Value {
    const DATE: &str = "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])";
    const TIME: &str = "([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?";
    const HOURS: &str = "[+-]([01][0-9]|2[0-3])";
    json!({"anyOf": [
        {"type": "string", "format": "date-time"},
        {"type": "string", "format": "date"},
        {"type": "string", "pattern": format!("^{DATE}([Tt ]{TIME}([Zz]|{HOURS}:[0-5][0-9])|T{TIME}{HOURS}[0-5][0-9])$")},
        empty()
    ]})
}

/// A flag as the reader takes it: `true`/`false` or `1`/`0`, in any letter case; or empty.
fn flag() -> Value {
    json!({"anyOf": [
        {"type": "boolean"},
        {"type": "integer", "enum": [0, 1]},
        {"type": "string", "pattern": "^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|0|1)$"},
        empty()
    ]})
}

/// `integrated_account_id`: a uuid, hyphenated (as issued) or in the other forms the server
/// reads: 32 hex digits, braced, or a `urn:uuid:` URN.
fn account_id() -> Value {
    const HYPHENATED: &str =
        "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}";
    json!({"anyOf": [
        {"type": "string", "format": "uuid"},
        {"type": "string", "pattern": format!("^([0-9A-Fa-f]{{32}}|\\{{{HYPHENATED}\\}}|[Uu][Rr][Nn]:[Uu][Uu][Ii][Dd]:{HYPHENATED})$")}
    ]})
}

fn account_id_param(mode: Mode) -> Value {
    let mut p = json!({"name": "integrated_account_id", "in": "query", "required": true,
        "description": "The id of the connected account. Missing or empty: 400 with truto_error_insight.missing_required_query_parameters. Not a uuid: 400. Unknown, or another tenant's: 404.",
        "schema": account_id()});
    match mode {
        Mode::ApiKeys => p["example"] = json!("62f44730-dd91-461e-bd6a-aedd9e0ad79d"),
        Mode::Sandbox => {
            let examples: Map<String, Value> = crm_providers::all()
                .iter()
                .map(|d| (d.provider, d.sandbox_account))
                .map(|(provider, id)| {
                    let summary = format!("The {} sandbox account", provider.display_name());
                    (
                        provider.as_str().to_owned(),
                        json!({"summary": summary, "value": id}),
                    )
                })
                .collect();
            p["examples"] = Value::Object(examples);
        }
    }
    p
}

fn common_params(mode: Mode) -> Vec<Value> {
    vec![
        account_id_param(mode),
        json!({"name": "limit", "in": "query", "required": false,
            "description": format!("Page size, default {DEFAULT_PAGE_SIZE}, clamped to the provider's maximum (see the meta route). Not a positive integer (up to {}): 400. Empty means absent.", u32::MAX),
            "schema": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": u32::MAX}, empty()], "default": DEFAULT_PAGE_SIZE}}),
        json!({"name": "next_cursor", "in": "query", "required": false,
            "description": "The opaque cursor of the previous page. A cursor that was altered, or issued for another account or another set of filters: 400. Empty means absent.",
            "schema": {"type": "string"}}),
        json!({"name": "truto_response_format", "in": "query", "required": false,
            "description": "unified: the unified mapping. raw: the provider's records untouched, same envelope and paging. normalized: unified, then emails trimmed and lower-cased, phone numbers in E.164 where they parse, countries as ISO 3166-1 alpha-2 where recognised, null fields and empty lists dropped.",
            "schema": {"anyOf": [{"type": "string", "enum": ["unified", "raw", "normalized"]}, empty()], "default": "unified"}}),
        json!({"name": "truto_key_by", "in": "query", "required": false,
            "description": "A field path (`id`, `owner.id`): `result` becomes an object keyed by it. A result without the field, or a value repeated on the page: 400.",
            "schema": {"type": "string"}, "example": "id"}),
        json!({"name": "truto_ignore_limit", "in": "query", "required": false,
            "description": "Send no page size to the provider; return its natural page. true or false (also 1 or 0, in any letter case); anything else: 400.",
            "schema": flag()}),
        json!({"name": "truto_ignore_remote_data", "in": "query", "required": false,
            "description": "Drop `remote_data` from each result. A flag, as truto_ignore_limit.",
            "schema": flag()}),
        json!({"name": "truto_exclude_fields", "in": "query", "required": false,
            "description": "Fields to drop from each result; dotted paths allowed. As an array (`truto_exclude_fields[]=id&truto_exclude_fields[]=name`) or comma-separated.",
            "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": true}),
        json!({"name": "remote_query", "in": "query", "required": false,
            "description": "Passed to the provider untransformed (`remote_query[foo]=bar`; `remote_query[a][b]=c` sends `a[b]=c`, a repeated key is sent repeated). It can never override auth, paging or the translated filters: such keys are refused with 400.",
            "schema": {"type": "object", "additionalProperties": {"description": "Sent as the provider's parameter: a text value, or nested brackets.", "type": ["string", "number", "boolean", "array", "object"]}}, "style": "deepObject", "explode": true}),
    ]
}

/// Every declared filter (`crm_core::query::FILTERS`), its schema and style from its syntax.
fn filter_params(all: &[&Capabilities]) -> Vec<Value> {
    FILTERS
        .iter()
        .map(|spec| {
            let example = spec.example;
            let (description, schema, style) = match spec.syntax {
                Syntax::Id | Syntax::IdOrBare => (
                    format!("{} Written `{example}=...`.", spec.description),
                    object_id(),
                    Some("deepObject"),
                ),
                Syntax::Plain => (spec.description.to_owned(), json!({"type": "string"}), None),
                Syntax::Time => (
                    format!(
                        "{description} ISO 8601: `{p}[gte]=2024-01-01T00:00:00Z` (gt, gte, lt, lte) or `{p}=...` (also `{p}[eq]=...`) for equality; with an offset (`Z`, `+01:00`, `+0100`), or a date alone (midnight UTC). Not a date-time, an unknown operator, or a UTC year outside 0000 to 9999: 400.",
                        description = spec.description,
                        p = spec.parameter
                    ),
                    json!({"type": "string"}),
                    Some("deepObject"),
                ),
                Syntax::Array => (
                    format!("{} `{example}=a@x.com` (also `{}[0]=` or repeated keys).", spec.description, spec.parameter),
                    json!({"type": "array", "items": {"type": "string"}}),
                    Some("form"),
                ),
                Syntax::Bool => (
                    format!("{} A flag, as truto_ignore_limit.", spec.description),
                    flag(),
                    None,
                ),
                Syntax::Map => (
                    format!("{} Written `{example}=<value>`.", spec.description),
                    json!({"type": "object", "additionalProperties": {"type": "string"}}),
                    Some("deepObject"),
                ),
            };
            filter_param(all, spec.key, spec.parameter, &description, schema, style)
        })
        .collect()
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
                "custom_fields": {"type": "object", "description": "With include_custom_fields=true, for providers that support it (`/meta`)."},
                "remote_data": {"type": "object", "description": "The provider's record exactly as it came."}
            }
        },
        "ListLeadsResponse": {
            "type": "object",
            "required": ["result", "next_cursor"],
            "properties": {
                "result": {
                    "description": "The page's leads (unified or normalized), or the provider's records (raw). An object keyed by the truto_key_by field when given. The body does not say which format was asked for, so a provider record (raw) is any JSON object.",
                    "anyOf": [
                        {"type": "array", "items": {"$ref": "#/components/schemas/Lead"}},
                        {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Lead"}},
                        {"type": "array", "items": {"$ref": "#/components/schemas/RawRecord"}},
                        {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/RawRecord"}}
                    ]
                },
                "next_cursor": {"type": ["string", "null"], "description": "Pass as next_cursor for the next page; null exactly when the provider says there is nothing more. Never \"\"."}
            }
        },
        "RawRecord": {
            "type": "object",
            "description": "With truto_response_format=raw: the provider's record exactly as it came (its own field names and types)."
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
        429 => "The provider's rate limit (its 429, or its own way of saying so, such as a daily request limit). Retry after Retry-After seconds.",
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
pub fn document(all: &[&Capabilities], mode: Mode) -> Value {
    let mut params = common_params(mode);
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
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Unified CRM leads API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "GET /unified/crm/leads lists the leads of one connected CRM account in one unified shape, page by page (the providers of this server are the `provider` values of `/meta`). Query syntax: bracket objects (owner[id]=1), operators (created_at[gte]=...), arrays (email_addresses[]=a, [0]= or repeated keys), percent-encoded brackets. Values are trimmed of surrounding whitespace. A known parameter with an empty value is absent (`next_cursor=` is the first page, `limit=` the default page size), which is why every optional parameter's schema also allows \"\". Unknown parameters are refused with 400, even with an empty value, so a misspelt filter is never silently ignored; a parameter given twice with different values, an invalid percent-escape and text that is not UTF-8 are 400s too."
        },
        "servers": [{"url": "http://127.0.0.1:8080"}],
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
                    "parameters": [account_id_param(mode)],
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
    });
    // No top-level requirement in sandbox mode: the sandbox answers without a key (a key sent
    // anyway is ignored). `/healthz` and `/openapi.json` never need one (`security: []`).
    if mode == Mode::ApiKeys {
        doc["security"] = json!([{"bearer": []}]);
    }
    doc
}
