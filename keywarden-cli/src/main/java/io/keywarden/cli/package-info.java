/**
 * The {@code keywarden} command line: the launcher of the server, tools around the data directory,
 * and the management commands that talk to a running server through {@link io.keywarden.cli.client}
 * ({@code keys}, {@code workspaces}, {@code projects}, {@code users}, {@code members},
 * {@code operator-keys}, {@code audit}, {@code verify}; exit codes in {@code ManagementCommands}).
 */
package io.keywarden.cli;
