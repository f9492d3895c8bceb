/**
 * Rate limits and quotas: named {@link io.keywarden.core.ratelimit.RatePolicy policies} (a limit,
 * a {@link io.keywarden.core.ratelimit.RateWindow window}, what is counted), bundled into {@link
 * io.keywarden.core.ratelimit.Plan plans} and chosen per request by {@link
 * io.keywarden.core.ratelimit.RatePlans}; a {@link io.keywarden.core.ratelimit.RateLimiter}
 * that checks every applicable policy at once and consumes either all of them or none; and the
 * response headers of the answer.
 *
 * <p>A rolling policy "L per W" never admits more than L units in any interval of length W, and
 * always admits a request that fits under L over the slightly longer interval W + W/k (k =
 * sub-windows, 10 by default); steady traffic at exactly L per W is always admitted. A calendar
 * policy (a quota) counts from the first instant of each month. Time is read from an injected
 * clock, in microseconds since the epoch; nothing in this package does I/O.
 */
package io.keywarden.core.ratelimit;
