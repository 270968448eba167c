-- The account store. Portable SQL: runs unchanged on SQLite and PostgreSQL.
-- Every value is TEXT or BIGINT so that sqlx's `Any` driver reads it the same way on both.

CREATE TABLE tenants (
    name        TEXT PRIMARY KEY,
    created_at  TEXT NOT NULL
);

-- Only a SHA-256 (hex) of each API key is kept, never the key.
CREATE TABLE api_keys (
    key_sha256  TEXT PRIMARY KEY,
    tenant      TEXT NOT NULL REFERENCES tenants (name) ON DELETE CASCADE,
    created_at  TEXT NOT NULL
);

CREATE TABLE accounts (
    id           TEXT PRIMARY KEY,
    tenant       TEXT NOT NULL REFERENCES tenants (name) ON DELETE CASCADE,
    provider     TEXT NOT NULL,
    base_url     TEXT NOT NULL,
    -- JSON object of the provider's credentials (tokens, keys); never printed.
    credentials  TEXT NOT NULL,
    -- RFC 3339 expiry of the access token, when known.
    expires_at   TEXT,
    -- Optional provider API version (`v8` for Zoho, `v1` for Copper, `60.0` for Salesforce).
    api_version  TEXT,
    -- Bumped on every write so that cached connectors are rebuilt after a change.
    revision     BIGINT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE INDEX accounts_tenant ON accounts (tenant);

-- Server-wide settings (the cursor signing secret).
CREATE TABLE settings (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
