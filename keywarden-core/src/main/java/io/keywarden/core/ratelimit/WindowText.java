package io.keywarden.core.ratelimit;

import java.util.regex.Pattern;

/** The grammar of {@link RateWindow#parse}, compiled once. */
final class WindowText {
  static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");

  private WindowText() {}
}
