/**
 * API keys: the grammar with its checksum ({@link io.keywarden.core.keys.KeyFormat}), the
 * HMAC that is the only stored form ({@link io.keywarden.core.keys.KeyHasher}), the deployment
 * secrets by version, and the stored key record ({@link io.keywarden.core.keys.ApiKey}).
 */
package io.keywarden.core.keys;
