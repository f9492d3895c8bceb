/**
 * The raw-socket HTTP fuzzer: generated requests (framing conflicts, smuggling shapes, odd
 * targets, identity forgeries, keys in every credential position, huge and deep JSON) sent to both
 * listeners of a real Keywarden, with a raw-socket echo upstream that records exactly what reached
 * it. See {@link io.keywarden.security.http.HttpFuzzTest} for the oracles.
 */
package io.keywarden.security.http;
