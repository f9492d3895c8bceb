-- The provider's own data on tenants, workspace suspension, plans managed through the API, and
-- idempotent creations. (V3 is another change's number; Flyway allows the gap.)

ALTER TABLE workspaces ADD COLUMN external_id TEXT COLLATE "C";
ALTER TABLE workspaces ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
ALTER TABLE workspaces ADD COLUMN suspended BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE workspaces ADD COLUMN suspension_reason TEXT;
CREATE UNIQUE INDEX workspaces_external_id ON workspaces (external_id);
CREATE INDEX workspaces_plan ON workspaces (plan);

ALTER TABLE projects ADD COLUMN external_id TEXT COLLATE "C";
ALTER TABLE projects ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
CREATE UNIQUE INDEX projects_workspace_external_id ON projects (workspace_id, external_id);
CREATE INDEX projects_external_id ON projects (external_id, id);

ALTER TABLE users ADD COLUMN external_id TEXT COLLATE "C";
ALTER TABLE users ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
CREATE UNIQUE INDEX users_external_id ON users (external_id);

CREATE TABLE key_metadata (
    key_id TEXT COLLATE "C" NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
    name   TEXT COLLATE "C" NOT NULL,
    value  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (key_id, name)
);
CREATE INDEX key_metadata_lookup ON key_metadata (name, value, key_id);
INSERT INTO key_metadata (key_id, name, value)
    SELECT k.id, j.key, j.value #>> '{}' FROM api_keys k, json_each(k.metadata::json) j
    WHERE json_typeof(j.value) = 'string';

CREATE TABLE plans (
    name       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    policies   TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE idempotency_keys (
    owner_id     TEXT COLLATE "C" NOT NULL,
    idem_key     TEXT COLLATE "C" NOT NULL,
    request_hash TEXT   NOT NULL,
    status       INTEGER,
    body         TEXT,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (owner_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
