/**
 * The node-local caches on the verify path: keys by hash (with a short negative cache), projects
 * and memberships, their invalidation API, the batched recorder of {@code last_used_at}, and
 * the view that answers from the cache only ({@link io.keywarden.store.cache.CacheOnlyDirectory},
 * for event loops).
 */
package io.keywarden.store.cache;
