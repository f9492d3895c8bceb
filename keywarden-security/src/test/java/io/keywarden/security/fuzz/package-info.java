/**
 * Coverage-guided fuzz tests (Jazzer, run as JUnit {@code @FuzzTest}s) of every parser that reads
 * client or operator input: the key grammar, the request path, the route table, the configuration
 * loader, the JSON body reader and the HTTP request head as the gateway's listener decodes it.
 * Regression mode (the default) replays the corpus under {@code src/test/resources}; {@code
 * JAZZER_FUZZ=1} fuzzes one target (see {@code scripts/fuzz} and docs/security.md).
 */
package io.keywarden.security.fuzz;
