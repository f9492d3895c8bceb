/**
 * What nodes of a cluster tell each other: cache invalidations (revocations included) over Redis
 * publish/subscribe, so a change made on one node reaches every node's caches at once.
 */
package io.keywarden.server.cluster;
