/**
 * HTTP conventions shared by every endpoint: envelopes and the one place errors become responses,
 * strict JSON bodies, request ids and pagination parameters.
 */
package io.keywarden.server.http;
