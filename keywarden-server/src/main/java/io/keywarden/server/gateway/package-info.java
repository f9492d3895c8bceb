/**
 * The gateway: forwarding allowed requests to upstreams with streaming bodies and safe headers
 * ({@link io.keywarden.server.gateway.Forwarder}), upstream definitions, and the error styles a
 * deployment answers in. The per-request chain (authenticate, resolve project, authorize, limit,
 * proxy, record) is assembled on top of these.
 */
package io.keywarden.server.gateway;
