-- Operator keys as first-class records: the admin keys that bootstrap and `keywarden admin
-- reset-key` issued (and their rotation successors), a change counter other processes can watch,
-- and an index for listing operator keys.

-- The admin keys issued by the first start ('bootstrap') or by `keywarden admin reset-key`
-- ('reset'); a rotation's successor inherits its predecessor's row. reset-key revokes these.
CREATE TABLE admin_key_origins (
    key_id     TEXT COLLATE "C" NOT NULL PRIMARY KEY REFERENCES api_keys (id) ON DELETE CASCADE,
    origin     TEXT    NOT NULL CHECK (origin IN ('bootstrap', 'reset')),
    created_at BIGINT  NOT NULL
);

-- One row, bumped in the transaction of every operator-key change, so a node notices a change
-- made by another process (reset-key) on its next management request.
CREATE TABLE operator_key_state (
    id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    generation BIGINT  NOT NULL
);
INSERT INTO operator_key_state (id, generation) VALUES (1, 0);

CREATE INDEX api_keys_kind_name ON api_keys (kind, name, id);

-- A deployment that already had its bootstrap key: remember it as such.
INSERT INTO admin_key_origins (key_id, origin, created_at)
    SELECT id, 'bootstrap', created_at FROM api_keys
    WHERE kind = 'operator' AND workspace_id IS NULL AND created_by = 'system';
