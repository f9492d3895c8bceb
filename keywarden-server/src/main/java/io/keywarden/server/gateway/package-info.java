/**
 * The gateway: forwarding allowed requests to upstreams with streaming bodies and safe headers
 * ({@link io.keywarden.server.gateway.Forwarder}), the checks of the request target and host
 * before routing ({@code RequestTarget}), the one place that builds the target an upstream
 * receives ({@code ForwardedTarget}, with {@link io.keywarden.server.gateway.PathRewrite} and the
 * query parser {@code QueryString}), the client's address behind trusted proxies ({@link
 * io.keywarden.server.gateway.ClientAddress}), upstream definitions, and the error styles a
 * deployment answers in. The per-request chain (authenticate, resolve project, authorize, limit,
 * proxy, record) is assembled on top of these in {@link io.keywarden.server.gateway.Gateway}.
 */
package io.keywarden.server.gateway;
