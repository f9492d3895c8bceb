package io.keywarden.cli;

import picocli.CommandLine.Option;

/**
 * The flags every command that runs a node shares ({@code serve}, {@code demo}): where it
 * listens, and the hidden start-then-stop switch. Mixed in with {@code @Mixin}; the data
 * directory and admin key file stay with each command, whose defaults differ.
 */
final class ServerFlags {
  @Option(names = "--api-port", description = "Port of the API (default: 8081).")
  Integer apiPort;

  @Option(names = "--gateway-port", description = "Port of the gateway (default: 8080).")
  Integer gatewayPort;

  @Option(names = "--bind", description = "Address to listen on (default: 127.0.0.1).")
  String bind;

  /** Start, then stop at once (the launcher's training run for the start-up cache; tests, scripts). */
  @Option(names = "--exit-when-ready", hidden = true)
  boolean exitWhenReady;
}
