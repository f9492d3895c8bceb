/**
 * The benchmark's peer: Spring Cloud Gateway with a key-check filter equivalent to Keywarden's,
 * built and run by {@code bench/run} (standalone; not part of the root build).
 */
package io.keywarden.bench.peer;
