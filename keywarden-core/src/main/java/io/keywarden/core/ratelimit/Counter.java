package io.keywarden.core.ratelimit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The state of one counter and the lock that guards it. All methods but the lock's are called
 * with the lock held; {@link #used} must be called first with the time the others are given.
 */
abstract class Counter {
  private static final VarHandle LOCK;

  static {
    try {
      LOCK = MethodHandles.lookup().findVarHandle(Counter.class, "lock", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The lock order; unique among the counters of one limiter, 0 for uncounted stand-ins. */
  final long id;

  @SuppressWarnings("unused") // through LOCK
  private volatile int lock;

  /** Set (under the lock) when the counter is removed from its map; a dead counter is never charged. */
  boolean dead;

  private long lastMicros = Long.MIN_VALUE;

  Counter(long id) {
    this.id = id;
  }

  final void lock() {
    if (!LOCK.compareAndSet(this, 0, 1)) {
      lockSlowly();
    }
  }

  private void lockSlowly() {
    int spins = 0;
    while (!((int) LOCK.getOpaque(this) == 0 && LOCK.compareAndSet(this, 0, 1))) {
      if (++spins < 100) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }
  }

  final boolean tryLock() {
    return LOCK.compareAndSet(this, 0, 1);
  }

  final void unlock() {
    LOCK.setRelease(this, 0);
  }

  /** {@code now}, or the latest time this counter has seen if the clock went back. */
  final long time(long now) {
    if (now < lastMicros) {
      return lastMicros;
    }
    lastMicros = now;
    return now;
  }

  /** Units counted at {@code t}: an upper bound of the units admitted within the window. */
  abstract long used(long t);

  /** Counts {@code cost} more units at {@code t}. */
  abstract void charge(long t, long cost);

  /** When the count will be back to zero if nothing more is admitted ({@code t} if it is now). */
  abstract long emptyAt(long t);

  /** The earliest time at or after {@code t} at which the count is at most {@code need}. */
  abstract long admissibleAt(long t, long need);

  /** The window's length at {@code t}, in microseconds. */
  abstract long windowMicros(long t);
}
