package io.keywarden.server.gateway;

import io.keywarden.core.decision.DecisionStatus;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many requests the gateway refused, by stable reason code (e.g. {@code revoked}, {@code
 * insufficient_scope}, {@code no_route}), since start; for metrics. Only reason codes are kept,
 * never a key or anything derived from one. Counting is a {@link LongAdder} increment, cheap on
 * the event loop; the reasons of the decision engine are present from the start (at zero).
 */
public final class GatewayDenials {
  private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();
  private final LongAdder[] byStatus = new LongAdder[DecisionStatus.values().length];

  GatewayDenials() {
    for (DecisionStatus s : DecisionStatus.values()) {
      if (s != DecisionStatus.VALID) {
        LongAdder a = new LongAdder();
        byStatus[s.ordinal()] = a;
        counts.put(s.reason(), a);
      }
    }
  }

  void count(DecisionStatus status) {
    byStatus[status.ordinal()].increment();
  }

  void count(String reason) {
    counts.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  /** Refusals with this reason code so far; 0 for a reason never seen. */
  public long get(String reason) {
    LongAdder a = counts.get(reason);
    return a == null ? 0 : a.sum();
  }

  /** Every reason code with its count, sorted by reason. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new TreeMap<>();
    counts.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }
}
