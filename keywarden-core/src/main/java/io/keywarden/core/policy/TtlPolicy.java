package io.keywarden.core.policy;

import java.util.List;

/**
 * Which key lifetimes may be chosen.
 *
 * @param choicesDays the allowed lifetimes in days, e.g. 30, 60, 90
 * @param allowNone whether a key may never expire
 * @param defaultDays the lifetime when none is asked for; {@code null} means no expiry
 */
public record TtlPolicy(List<Integer> choicesDays, boolean allowNone, Integer defaultDays) {
  public TtlPolicy {
    choicesDays = List.copyOf(choicesDays);
    for (int d : choicesDays) {
      if (d < 1 || d > 36500) {
        throw new IllegalArgumentException("ttl choices must be between 1 and 36500 days, got " + d);
      }
    }
    if (choicesDays.isEmpty() && !allowNone) {
      throw new IllegalArgumentException("ttl policy must offer at least one choice or allow none");
    }
    if (defaultDays == null && !allowNone) {
      throw new IllegalArgumentException("ttl default may be none only when none is allowed");
    }
    if (defaultDays != null && !choicesDays.contains(defaultDays)) {
      throw new IllegalArgumentException(
          "ttl default " + defaultDays + " days must be one of the choices " + choicesDays);
    }
  }

  /** The defaults: 30, 60 or 90 days or none, 90 by default. */
  public static TtlPolicy defaults() {
    return new TtlPolicy(List.of(30, 60, 90), true, 90);
  }

  /** The longest choice in days, or {@code null} when keys may never expire. */
  public Integer longestDays() {
    if (allowNone) {
      return null;
    }
    return choicesDays.stream().max(Integer::compare).orElseThrow();
  }

  /** The choices as text for messages, e.g. {@code 30, 60, 90 or none}. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < choicesDays.size(); i++) {
      if (i > 0) {
        sb.append(i == choicesDays.size() - 1 && !allowNone ? " or " : ", ");
      }
      sb.append(choicesDays.get(i));
    }
    if (allowNone) {
      sb.append(choicesDays.isEmpty() ? "none" : " or none");
    }
    return sb.toString();
  }
}
