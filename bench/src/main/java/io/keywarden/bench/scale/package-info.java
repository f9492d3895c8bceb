/**
 * Scale measurements outside JMH: a store with up to a million keys, bulk creation, cold-miss
 * verification, memory per cached key and floods of invalid keys; run by {@code bench/run}.
 */
package io.keywarden.bench.scale;
