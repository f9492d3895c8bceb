/**
 * The node-local caches on the verify path: keys by hash (with a short negative cache), projects
 * and memberships, their invalidation API, and the batched recorder of {@code last_used_at}.
 */
package io.keywarden.store.cache;
