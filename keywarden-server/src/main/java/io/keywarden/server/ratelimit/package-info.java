/**
 * Rate limits in the server: which policies apply to a request, counted by a {@link
 * io.keywarden.server.ratelimit.Limiter} backend, and the response headers. The package knows no
 * concrete remote backend and no configuration file: the Redis backend ({@code ratelimit.redis})
 * implements {@code Limiter} and is built where the server is wired ({@code KeywardenServer}); the
 * configuration implements {@link io.keywarden.server.ratelimit.RateLimitSettings}.
 */
package io.keywarden.server.ratelimit;
