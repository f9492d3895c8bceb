/**
 * The decision engine: verifies a presented key in a fixed order of checks and returns a
 * {@link io.keywarden.core.decision.Decision} with a stable reason code. Storage is reached through
 * the {@link io.keywarden.core.decision.AccessDirectory} SPI; the engine itself does no I/O.
 */
package io.keywarden.core.decision;
