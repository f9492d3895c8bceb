/**
 * Configuration: defaults, the YAML file, environment variables and flags, merged and checked into
 * one {@link io.keywarden.server.config.KeywardenConfig}; errors name the setting.
 */
package io.keywarden.server.config;
