-- Keywarden schema, SQLite dialect.
-- Times are epoch milliseconds (INTEGER); lists and objects are JSON text.
-- TEXT compares as binary (memcmp), so ids order as Java strings do.
-- The raw key is never stored: api_keys holds its HMAC (hash), prefix and display form.

CREATE TABLE workspaces (
    id           TEXT    NOT NULL PRIMARY KEY,
    name         TEXT    NOT NULL,
    plan         TEXT    NOT NULL,
    max_ttl_days INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE projects (
    id           TEXT    NOT NULL PRIMARY KEY,
    workspace_id TEXT    NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX projects_workspace ON projects (workspace_id, id);

CREATE TABLE users (
    id          TEXT    NOT NULL PRIMARY KEY,
    email       TEXT    NOT NULL,
    email_lower TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE memberships (
    workspace_id       TEXT    NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id            TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role               TEXT    NOT NULL,
    project_ids        TEXT    NOT NULL DEFAULT '[]',
    default_project_id TEXT,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
) STRICT;

CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE api_keys (
    id                 TEXT    NOT NULL PRIMARY KEY,
    name               TEXT    NOT NULL,
    kind               TEXT    NOT NULL CHECK (kind IN ('user', 'project', 'operator')),
    type               TEXT    NOT NULL CHECK (type IN ('secret', 'publishable')),
    environment        TEXT    NOT NULL,
    workspace_id       TEXT    REFERENCES workspaces (id) ON DELETE CASCADE,
    owner_user_id      TEXT,
    owner_project_id   TEXT,
    scopes             TEXT    NOT NULL DEFAULT '[]',
    project_ids        TEXT    NOT NULL DEFAULT '[]',
    allowed_ips        TEXT    NOT NULL DEFAULT '[]',
    allowed_origins    TEXT    NOT NULL DEFAULT '[]',
    metadata           TEXT    NOT NULL DEFAULT '{}',
    prefix             TEXT    NOT NULL,
    display            TEXT    NOT NULL,
    hash               TEXT    NOT NULL UNIQUE CHECK (length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*'),
    hash_version       INTEGER NOT NULL,
    expires_at         INTEGER,
    created_at         INTEGER NOT NULL,
    created_by         TEXT    NOT NULL,
    last_used_at       INTEGER,
    revoked_at         INTEGER,
    enabled            INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    replaces_key_id    TEXT,
    replaced_by_key_id TEXT
) STRICT;

CREATE INDEX api_keys_workspace ON api_keys (workspace_id, id);
CREATE INDEX api_keys_owner_user ON api_keys (owner_user_id, id);
CREATE INDEX api_keys_owner_project ON api_keys (owner_project_id, id);

-- No foreign key on workspace_id: events outlive what they describe.
CREATE TABLE audit_events (
    id           TEXT    NOT NULL PRIMARY KEY,
    at           INTEGER NOT NULL,
    actor        TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    target_type  TEXT    NOT NULL,
    target_id    TEXT    NOT NULL,
    workspace_id TEXT,
    client_ip    TEXT,
    user_agent   TEXT,
    details      TEXT    NOT NULL DEFAULT '{}'
) STRICT;

CREATE INDEX audit_events_workspace ON audit_events (workspace_id, id);
CREATE INDEX audit_events_target ON audit_events (target_id, id);
CREATE INDEX audit_events_at ON audit_events (at);
