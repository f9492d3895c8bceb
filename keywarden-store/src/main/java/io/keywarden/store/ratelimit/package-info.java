/**
 * Storage for rate limits: the {@link io.keywarden.store.ratelimit.JdbcQuotaLedger} that keeps
 * calendar quota counts across restarts, and the {@link
 * io.keywarden.store.ratelimit.RateLimitOverride} overrides stored on workspaces and keys.
 */
package io.keywarden.store.ratelimit;
