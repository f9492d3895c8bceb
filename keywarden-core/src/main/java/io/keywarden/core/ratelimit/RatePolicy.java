package io.keywarden.core.ratelimit;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A named limit: at most {@code limit} units in every {@code window}, counted separately for each
 * value (or combination of values) of the {@code countedBy} dimensions, on the requests it {@code
 * appliesTo}.
 *
 * <p>A request is counted by a policy only when it has a value for every dimension the policy
 * counts by: a per-user policy does not count requests made with project keys. An empty {@code
 * countedBy} makes one counter shared by every request (a deployment-wide ceiling).
 *
 * <p>The policy's name, window and dimension values identify its counters; the limit does not. An
 * override that only changes the limit therefore shares the counters of the policy it replaces,
 * and a request is admitted when the shared count plus its cost fits under its own limit.
 *
 * @param name lower-case letters, digits, {@code _ . -}; starts with a letter; at most 64
 *     characters. It appears in headers and 429 bodies.
 * @param limit at least 1; for rolling windows at most 2^31 - 1 and at most one per microsecond
 *     of the window
 */
public record RatePolicy(
    String name, long limit, RateWindow window, Set<Dimension> countedBy, Applicability appliesTo) {
  /** Policy names. */
  public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");

  public RatePolicy {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("rate policy name \"" + name
          + "\" must be 1 to 64 lower-case letters, digits, '_', '.' or '-', starting with a letter");
    }
    Objects.requireNonNull(window, () -> "rate policy \"" + name + "\": window must be set");
    if (limit < 1) {
      throw new IllegalArgumentException(
          "rate policy \"" + name + "\": limit must be at least 1, got " + limit);
    }
    if (window instanceof RateWindow.Rolling r) {
      if (limit > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("rate policy \"" + name
            + "\": limit of a rolling window must be at most " + Integer.MAX_VALUE + ", got " + limit);
      }
      if (limit > r.micros()) {
        throw new IllegalArgumentException("rate policy \"" + name + "\": limit " + limit
            + " exceeds one per microsecond of the " + r.length() + " window");
      }
    }
    EnumSet<Dimension> dims = EnumSet.noneOf(Dimension.class);
    if (countedBy != null) {
      dims.addAll(countedBy);
    }
    countedBy = Collections.unmodifiableSet(dims);
    appliesTo = appliesTo == null ? Applicability.ALWAYS : appliesTo;
  }

  /** A policy that applies to every request. */
  public RatePolicy(String name, long limit, RateWindow window, Set<Dimension> countedBy) {
    this(name, limit, window, countedBy, Applicability.ALWAYS);
  }

  /** {@code limit} per rolling {@code window}, counted by {@code countedBy}. */
  public static RatePolicy rolling(String name, long limit, Duration window, Dimension... countedBy) {
    return new RatePolicy(name, limit, RateWindow.of(window), Set.of(countedBy));
  }

  /** {@code limit} per calendar month in UTC, counted by {@code countedBy}. */
  public static RatePolicy monthlyQuota(String name, long limit, Dimension... countedBy) {
    return new RatePolicy(name, limit, RateWindow.calendarMonth(), Set.of(countedBy));
  }

  /** This policy with another limit: the form an override takes. */
  public RatePolicy withLimit(long newLimit) {
    return new RatePolicy(name, newLimit, window, countedBy, appliesTo);
  }

  /** This policy, applying only where {@code applicability} matches. */
  public RatePolicy when(Applicability applicability) {
    return new RatePolicy(name, limit, window, countedBy, applicability);
  }

  /** Whether exhausting this policy is a quota ({@code quota_exceeded}) rather than a rate limit. */
  public boolean isQuota() {
    return window.isQuota();
  }

  /** Whether {@code subject} has a value for every dimension this policy counts by. */
  public boolean counts(RateSubject subject) {
    for (Dimension d : countedBy) {
      if (subject.value(d) == null) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "RatePolicy[" + name + " " + limit + "/" + window + " by " + countedBy
        + (appliesTo.isAlways() ? "" : " when " + appliesTo) + "]";
  }
}
