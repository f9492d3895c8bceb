-- The provider's own data on tenants, workspace suspension, plans managed through the API, and
-- idempotent creations. (V3 is another change's number; Flyway allows the gap.)

-- external_id: the provider's id, unique per kind (NULLs do not collide); metadata: a JSON object
-- of strings.
ALTER TABLE workspaces ADD COLUMN external_id TEXT;
ALTER TABLE workspaces ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
ALTER TABLE workspaces ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0 CHECK (suspended IN (0, 1));
ALTER TABLE workspaces ADD COLUMN suspension_reason TEXT;
CREATE UNIQUE INDEX workspaces_external_id ON workspaces (external_id);
CREATE INDEX workspaces_plan ON workspaces (plan);

-- Project external ids are unique within their workspace; the second index serves lookups
-- across workspaces.
ALTER TABLE projects ADD COLUMN external_id TEXT;
ALTER TABLE projects ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
CREATE UNIQUE INDEX projects_workspace_external_id ON projects (workspace_id, external_id);
CREATE INDEX projects_external_id ON projects (external_id, id);

ALTER TABLE users ADD COLUMN external_id TEXT;
ALTER TABLE users ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
CREATE UNIQUE INDEX users_external_id ON users (external_id);

-- The string values of keys' metadata, one row per name, so that ?metadata.NAME=VALUE is an
-- index lookup. api_keys.metadata stays the source of the key's view.
CREATE TABLE key_metadata (
    key_id TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    name   TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (key_id, name)
) STRICT;
CREATE INDEX key_metadata_lookup ON key_metadata (name, value, key_id);
INSERT INTO key_metadata (key_id, name, value)
    SELECT k.id, j.key, j.value FROM api_keys k, json_each(k.metadata) j WHERE j.type = 'text';

-- Plans and their policies (a JSON list as in the configuration file's rate_limits.plans).
CREATE TABLE plans (
    name       TEXT    NOT NULL PRIMARY KEY,
    policies   TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

-- The first answer to a creation per operator key and Idempotency-Key; status NULL while the
-- first request is still running. Swept after 24 hours.
CREATE TABLE idempotency_keys (
    owner_id     TEXT    NOT NULL,
    idem_key     TEXT    NOT NULL,
    request_hash TEXT    NOT NULL,
    status       INTEGER,
    body         TEXT,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (owner_id, idem_key)
) STRICT;
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
