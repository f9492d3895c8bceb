/** JMH benchmarks of Keywarden's in-process hot paths; run with {@code bench/run-jmh}. */
package io.keywarden.bench;
