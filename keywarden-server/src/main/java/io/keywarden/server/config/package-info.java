/**
 * Configuration: defaults, the YAML file, environment variables and flags, merged and checked into
 * one {@link io.keywarden.server.config.KeywardenConfig}; errors name the setting. It depends on
 * the packages whose settings it reads (the gateway's {@code GatewayConfig}, the rate limits'
 * {@code RateLimitSettings}), never the other way round.
 */
package io.keywarden.server.config;
