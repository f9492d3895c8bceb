-- Rate limits: per-workspace and per-key overrides, and the calendar-quota ledger.

-- JSON list of {"name", "limit"[, "window", "by"]}; NULL when there are none.
ALTER TABLE workspaces ADD COLUMN rate_limits TEXT;
ALTER TABLE api_keys ADD COLUMN rate_limits TEXT;

-- Units counted per quota counter and period, written in batches by the quota ledger.
-- period_start is epoch microseconds (the counter's period start); updated_at epoch milliseconds.
CREATE TABLE quota_usage (
    counter_id   TEXT COLLATE "C" NOT NULL,
    period_start BIGINT  NOT NULL,
    used         BIGINT  NOT NULL,
    updated_at   BIGINT  NOT NULL,
    PRIMARY KEY (counter_id, period_start)
);

CREATE INDEX quota_usage_period ON quota_usage (period_start);
