/**
 * A small client of Keywarden's management API for the {@code keywarden} command: one HTTP call
 * per method, errors as {@link io.keywarden.cli.client.ApiException} (the API answered with an
 * error) or {@link io.keywarden.cli.client.ConnectionException} (no answer), cursor pages followed
 * by {@link io.keywarden.cli.client.KeywardenClient#pages}, and the connection settings of
 * {@link io.keywarden.cli.client.Connection} (flags, environment, profile file). Java's HTTP client
 * and Jackson only; the operator key never appears in an exception or a message.
 */
package io.keywarden.cli.client;
