-- Keywarden schema, PostgreSQL dialect.
-- Times are epoch milliseconds (BIGINT); lists and objects are JSON text.
-- Id columns use COLLATE "C" (byte order), so ids order as Java strings do, whatever the
-- database's default collation.
-- The raw key is never stored: api_keys holds its HMAC (hash), prefix and display form.

CREATE TABLE workspaces (
    id           TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    name         TEXT    NOT NULL,
    plan         TEXT    NOT NULL,
    max_ttl_days INTEGER,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);

CREATE TABLE projects (
    id           TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    workspace_id TEXT COLLATE "C" NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL
);

CREATE INDEX projects_workspace ON projects (workspace_id, id);

CREATE TABLE users (
    id          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    email       TEXT    NOT NULL,
    email_lower TEXT COLLATE "C" NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL
);

CREATE TABLE memberships (
    workspace_id       TEXT COLLATE "C" NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id            TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role               TEXT    NOT NULL,
    project_ids        TEXT    NOT NULL DEFAULT '[]',
    default_project_id TEXT COLLATE "C",
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    PRIMARY KEY (workspace_id, user_id)
);

CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE api_keys (
    id                 TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    name               TEXT    NOT NULL,
    kind               TEXT    NOT NULL CHECK (kind IN ('user', 'project', 'operator')),
    type               TEXT    NOT NULL CHECK (type IN ('secret', 'publishable')),
    environment        TEXT    NOT NULL,
    workspace_id       TEXT COLLATE "C" REFERENCES workspaces (id) ON DELETE CASCADE,
    owner_user_id      TEXT COLLATE "C",
    owner_project_id   TEXT COLLATE "C",
    scopes             TEXT    NOT NULL DEFAULT '[]',
    project_ids        TEXT    NOT NULL DEFAULT '[]',
    allowed_ips        TEXT    NOT NULL DEFAULT '[]',
    allowed_origins    TEXT    NOT NULL DEFAULT '[]',
    metadata           TEXT    NOT NULL DEFAULT '{}',
    prefix             TEXT    NOT NULL,
    display            TEXT    NOT NULL,
    hash               TEXT COLLATE "C" NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
    hash_version       INTEGER NOT NULL,
    expires_at         BIGINT,
    created_at         BIGINT  NOT NULL,
    created_by         TEXT    NOT NULL,
    last_used_at       BIGINT,
    revoked_at         BIGINT,
    enabled            BOOLEAN NOT NULL,
    replaces_key_id    TEXT COLLATE "C",
    replaced_by_key_id TEXT COLLATE "C"
);

CREATE INDEX api_keys_workspace ON api_keys (workspace_id, id);
CREATE INDEX api_keys_owner_user ON api_keys (owner_user_id, id);
CREATE INDEX api_keys_owner_project ON api_keys (owner_project_id, id);

-- No foreign key on workspace_id: events outlive what they describe.
CREATE TABLE audit_events (
    id           TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    at           BIGINT  NOT NULL,
    actor        TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    target_type  TEXT    NOT NULL,
    target_id    TEXT COLLATE "C" NOT NULL,
    workspace_id TEXT COLLATE "C",
    client_ip    TEXT,
    user_agent   TEXT,
    details      TEXT    NOT NULL DEFAULT '{}'
);

CREATE INDEX audit_events_workspace ON audit_events (workspace_id, id);
CREATE INDEX audit_events_target ON audit_events (target_id, id);
CREATE INDEX audit_events_at ON audit_events (at);
