"""schemathesis hooks for scripts/openapi-fuzz.sh: valid requests that reach the providers.

The document declares every filter on one operation, and each provider supports only some of
them (`x-supported-by` on each filter parameter); any other filter is a 400 naming it. Random valid
requests therefore almost always carry a filter their account's provider refuses, and the fuzzer
would mostly test that 400. Left alone, it also draws the first sandbox account far more often
than the others and rarely asks for the raw or normalized format, whose pages differ most from
the unified one. So a valid (positive) request for a sandbox account is:
- pointed at a sandbox account whose provider supports all of its filters, when there is one;
  otherwise the filters that account's provider refuses are dropped. One request in five keeps
  its filters and account as generated, so refused filters are still sent;
- given truto_response_format raw, normalized or unified in three requests out of four (the
  fourth keeps its generated value).
Every choice is a checksum of the generated request, so the same seed sends the same requests.
Invalid (negative) requests are never changed.
"""

import zlib

import schemathesis
from schemathesis.generation import GenerationMode

# The sandbox accounts (fixed ids, README "Sandbox accounts") and their providers' names as the
# document's x-supported-by lists them.
SANDBOX_ACCOUNTS = [
    ("00000000-0000-4000-8000-00000000c0e1", "Copper"),
    ("00000000-0000-4000-8000-0000000091de", "Pipedrive"),
    ("00000000-0000-4000-8000-0000000005f0", "Salesforce"),
    ("00000000-0000-4000-8000-0000000020c0", "Zoho CRM"),
]
ACCOUNT = "integrated_account_id"
FORMAT = "truto_response_format"
FORMATS = ["raw", "normalized", "unified"]


@schemathesis.hook
def map_case(context, case):
    meta = case.meta
    if meta is None or meta.generation.mode != GenerationMode.POSITIVE or not case.query:
        return case
    if case.query.get(ACCOUNT) not in dict(SANDBOX_ACCOUNTS):
        return case  # an unknown account: a 404, whatever else the request says
    parameters = context.operation.definition.raw.get("parameters", [])
    supported_by = {p["name"]: p["x-supported-by"] for p in parameters if "x-supported-by" in p}
    # The query is serialized by now: `owner[id]`, `created_at[gte]`, `custom_fields[x]`.
    filters = {key: key.split("[", 1)[0] for key in case.query}
    filters = {key: name for key, name in filters.items() if name in supported_by}
    rest = sorted((key, repr(value)) for key, value in case.query.items() if key != ACCOUNT)
    if not rest:
        return case  # nothing but the account (the meta route): the account as drawn
    checksum = zlib.crc32(repr(rest).encode())
    if any(p["name"] == FORMAT for p in parameters) and checksum // 23 % 4 < 3:
        case.query[FORMAT] = FORMATS[checksum // 23 % 4]
    if filters and checksum % 5 == 0:
        return case  # account and filters as generated: possibly a refused filter, a 400
    names = set(filters.values())
    pool = [a for a in SANDBOX_ACCOUNTS if all(a[1] in supported_by[n] for n in names)]
    pool = pool or SANDBOX_ACCOUNTS
    account, provider = pool[checksum // 5 % len(pool)]
    case.query[ACCOUNT] = account
    for key, name in filters.items():
        if provider not in supported_by[name]:
            del case.query[key]
    return case
