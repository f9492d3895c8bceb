/**
 * The management API ({@code /v1/workspaces}, projects, users, members, keys, audit events) and
 * the verification API ({@code POST /v1/keys/verify}), one class per endpoint family, all
 * authenticated with operator keys and answered through {@link io.keywarden.server.http.Responses}.
 */
package io.keywarden.server.api;
