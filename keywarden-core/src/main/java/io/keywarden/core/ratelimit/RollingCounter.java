package io.keywarden.core.ratelimit;

import java.util.Arrays;

/*
 * A rolling window of length W and limit L, as two over-estimates of the units admitted in the
 * last W; a request of cost n is admitted when the smaller estimate plus n is at most L.
 *
 * Why not plain GCRA: GCRA with burst tolerance W - W/L is a token bucket. After a burst of L it
 * refills one unit every W/L, so it admits up to 2L - 1 units within one window. Both estimates
 * below cost O(1) amortised work and a fixed few words per counter, and never stop counting a
 * unit before a full window has passed since its admission.
 *
 * Estimate A, the slice ring: time is cut into slices of b = ceil(W / k) (k sub-windows). For each
 * of the last k + 1 slices the ring holds the units admitted in it and the time of its latest
 * admission (to the microsecond for slices up to 2^32 us, about 71 minutes; beyond, rounded up to
 * a coarser unit, which only keeps a slice longer). A slice is counted until its latest admission
 * + W (every unit in it has left the window by then), and at most until the ring has moved k + 1
 * slices past it. So A counts every unit of the last W, and no unit for more than W + b after its
 * admission: a request that fits under L over the last W + b is always admitted. The price: traffic
 * that keeps the counter at its limit with arrivals at random times gets about k / (k + 1) of L
 * per W (55 of 60 a minute with k = 10, measured); bursts, and traffic paced at W / L, get all L.
 *
 * Estimate B, the staircase: the units are pretended to leave the window one every s = ceil(W /
 * L0) (L0: the limit when the counter was made), the last one at TAT; `steps` of them remain. At t
 * it counts min(steps, ceil((TAT - t) / s)). On admitting n units at t it sets TAT to max(t + W +
 * (n - 1) s, TAT + n s): every unit admitted leaves no earlier than its own time + W, and each
 * earlier unit keeps a slot at least as late as before, so B stays an upper bound, whatever s is.
 * Rounding s up makes B admit every request that follows the previous one by at least W / L:
 * steady traffic at exactly L per W is always admitted, which A alone would not do.
 *
 * Both are upper bounds of the true count, so their minimum is too: no interval of length W ever
 * holds more than L admitted units. When either reaches zero the true count is zero, and both are
 * cleared. The estimates need t never to go back, which Counter.time ensures.
 */
final class RollingCounter extends Counter {
  private final long window;
  private final long slice;
  private final int subWindows;
  private final long spacing;
  private final long quantum; // unit of the latest-admission offsets: 1 us unless a slice exceeds 2^32 us
  // Per slice, at slot (slice mod (k + 1)): units << 32 | offset of its latest admission from the
  // slice's start, in quanta rounded up (so never earlier than the real one). Read only where
  // units != 0. One long per slice: a cold counter costs one cache miss for its whole ring.
  private final long[] ring;
  private long ringSlice = Long.MIN_VALUE / 2; // the newest slice the ring holds
  private int ringSlot; // its slot
  private long nextSlice = Long.MIN_VALUE; // where the slice after it starts
  private long oldest; // no slice before this one holds units
  private int oldestSlot;
  private long latestSlice; // slice of the latest admission
  private int latestSlot;
  private long total; // units in the ring
  private long tat; // when the staircase's last unit leaves
  private long steps; // units left on the staircase

  RollingCounter(long id, RateWindow.Rolling window, long limit) {
    super(id);
    this.window = window.micros();
    this.subWindows = window.subWindows();
    this.slice = Math.ceilDiv(this.window, subWindows);
    this.spacing = Math.ceilDiv(this.window, limit);
    this.quantum = Math.max(1, Math.ceilDiv(slice, 1L << 32));
    this.ring = new long[subWindows + 1];
  }

  @Override
  long used(long t) {
    advance(t);
    long b = staircase(t);
    steps = b;
    if (b == 0 || total == 0) {
      clear();
      return 0;
    }
    return Math.min(b, total);
  }

  private void advance(long t) {
    if (t >= nextSlice) { // a later slice: at most once per slice, so the divisions are rare
      long m = Math.floorDiv(t, slice);
      if (total != 0) {
        if (m - ringSlice > subWindows) {
          Arrays.fill(ring, 0);
          total = 0;
        } else {
          for (long s = ringSlice + 1; s <= m; s++) { // these slots held slices now too old
            int i = slot(s);
            total -= ring[i] >>> 32;
            ring[i] = 0;
          }
        }
      }
      ringSlice = m;
      ringSlot = slot(m);
      nextSlice = (m + 1) * slice;
      if (oldest < m - subWindows) {
        oldest = m - subWindows;
        oldestSlot = slot(oldest);
      }
    }
    while (total != 0) {
      long v = ring[oldestSlot];
      if (v != 0) {
        if (latest(oldest, v) + window > t) {
          break; // and every later slice's latest admission is later still
        }
        total -= v >>> 32;
        ring[oldestSlot] = 0;
      }
      oldest++;
      oldestSlot = oldestSlot == subWindows ? 0 : oldestSlot + 1;
    }
  }

  private long staircase(long t) {
    if (steps == 0 || tat <= t) {
      return 0;
    }
    long gap = tat - t;
    long below = (steps - 1) * spacing; // ceil(gap / spacing) >= steps iff gap > below
    if (Math.multiplyHigh(steps - 1, spacing) == 0 && below >= 0 && gap > below) {
      return steps;
    }
    return Math.min(steps, Math.ceilDiv(gap, spacing));
  }

  private void clear() {
    if (total != 0) {
      Arrays.fill(ring, 0);
      total = 0;
    }
    steps = 0;
    tat = 0;
  }

  /** The time of the latest admission in slice {@code s}, whose slot holds {@code v}. */
  private long latest(long s, long v) {
    return s * slice + (v & 0xFFFF_FFFFL) * quantum;
  }

  private int slot(long s) {
    return (int) Math.floorMod(s, (long) (subWindows + 1));
  }

  @Override
  void charge(long t, long cost) {
    long top = saturatedAdd(t + window, saturatedMultiply(cost - 1, spacing));
    tat = steps == 0 ? top : Math.max(top, saturatedAdd(tat, saturatedMultiply(cost, spacing)));
    steps += cost;
    if (total == 0) {
      oldest = ringSlice;
      oldestSlot = ringSlot;
    }
    long offset = t - ringSlice * slice;
    long units = (ring[ringSlot] >>> 32) + cost;
    ring[ringSlot] = units << 32 | (quantum == 1 ? offset : Math.ceilDiv(offset, quantum));
    latestSlice = ringSlice;
    latestSlot = ringSlot;
    total += cost;
  }

  @Override
  long emptyAt(long t) {
    if (steps == 0 || total == 0) {
      return t;
    }
    return Math.min(tat, latest(latestSlice, ring[latestSlot]) + window);
  }

  @Override
  long admissibleAt(long t, long need) {
    if (Math.min(steps, total) <= need) {
      return t;
    }
    // Staircase: ceil((TAT - u) / s) <= need from u = TAT - need * s (need < steps: no overflow).
    long byStaircase = steps <= need ? t : tat - need * spacing;
    // Ring: slices leave oldest first, each at its latest admission + W.
    long byRing = t;
    if (total > need) {
      long left = total;
      int i = oldestSlot;
      for (long s = oldest; s <= ringSlice; s++) {
        long v = ring[i];
        if (v != 0) {
          left -= v >>> 32;
          if (left <= need) {
            byRing = latest(s, v) + window;
            break;
          }
        }
        i = i == subWindows ? 0 : i + 1;
      }
    }
    return Math.min(byStaircase, byRing);
  }

  @Override
  long windowMicros(long t) {
    return window;
  }

  private static long saturatedMultiply(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    return hi == 0 && lo >= 0 ? lo : Long.MAX_VALUE / 4;
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return r < 0 || r > Long.MAX_VALUE / 4 ? Long.MAX_VALUE / 4 : r;
  }
}
