/**
 * The Redis rate-limit backend: every applicable policy of a request checked and counted in one
 * Lua script (one round trip), shared by all Keywarden nodes that use the same Redis, with a
 * local fallback (or a refusal) while Redis cannot answer. See docs/rate-limits-redis.md.
 */
package io.keywarden.server.ratelimit.redis;
