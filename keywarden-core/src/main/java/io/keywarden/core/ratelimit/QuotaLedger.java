package io.keywarden.core.ratelimit;

/**
 * Where calendar quotas keep their counts across restarts. A limiter asks it for the units already
 * counted when it first meets a quota counter in a period, and tells it each new count; the
 * implementation persists them in batches (so a crash loses at most one batch interval of
 * counting) and must answer {@link #recorded} without blocking: it keeps the current period's
 * counts in memory.
 *
 * <p>Counter ids come from {@link #counterId}: stable across versions and nodes, they name the
 * policy, its window and the subject's values for the dimensions the policy counts by.
 */
public interface QuotaLedger {
  /** A ledger that remembers nothing: quotas start at zero after a restart. */
  QuotaLedger NONE = new QuotaLedger() {
    @Override
    public long recorded(String counterId, long periodStartMicros) {
      return 0;
    }

    @Override
    public void update(String counterId, long periodStartMicros, long used) {}
  };

  /** Units counted so far for {@code counterId} in the period that starts at {@code periodStartMicros}. */
  long recorded(String counterId, long periodStartMicros);

  /** {@code counterId} now holds {@code used} units in the period that starts at {@code periodStartMicros}. */
  void update(String counterId, long periodStartMicros, long used);

  /**
   * The stable id of {@code policy}'s counter for {@code subject}, or {@code null} if the policy
   * does not count it: {@code name|window|dimension=value|…} with the dimensions in {@link
   * Dimension} order and {@code %}, {@code |} and {@code =} in values percent-encoded.
   */
  static String counterId(RatePolicy policy, RateSubject subject) {
    StringBuilder b = new StringBuilder(64).append(policy.name()).append('|').append(policy.window());
    for (Dimension d : policy.countedBy()) {
      String v = subject.value(d);
      if (v == null) {
        return null;
      }
      b.append('|').append(d.wireName()).append('=');
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        switch (c) {
          case '%' -> b.append("%25");
          case '|' -> b.append("%7C");
          case '=' -> b.append("%3D");
          default -> b.append(c);
        }
      }
    }
    return b.toString();
  }
}
