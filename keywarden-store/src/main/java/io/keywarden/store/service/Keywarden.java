package io.keywarden.store.service;

import io.keywarden.core.decision.AccessDirectory;
import io.keywarden.core.decision.Decision;
import io.keywarden.core.decision.DecisionEngine;
import io.keywarden.core.decision.DecisionStatus;
import io.keywarden.core.decision.Realm;
import io.keywarden.core.decision.VerifyRequest;
import io.keywarden.core.ids.IdGenerator;
import io.keywarden.core.keys.KeyHasher;
import io.keywarden.core.keys.SecretRing;
import io.keywarden.core.policy.AccessModel;
import io.keywarden.core.policy.KeyIssuer;
import io.keywarden.store.Store;
import io.keywarden.store.cache.CacheSettings;
import io.keywarden.store.cache.ClockTicker;
import io.keywarden.store.cache.KeyCache;
import io.keywarden.store.cache.LastUsedRecorder;
import io.keywarden.store.jdbc.JdbcStore;
import io.keywarden.store.ratelimit.JdbcQuotaLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keywarden embedded in a JVM service: the store, the key cache, the decision engines and the
 * key service, wired together. The server is built on this; a service can also use it directly,
 * with no network hop.
 *
 * <pre>{@code
 * try (Keywarden kw = Keywarden.builder().dataDir(Path.of("data")).open()) {
 *   Decision d = kw.verify(VerifyRequest.ofKey(presentedKey));
 *   if (!d.isValid()) { ... d.reason() ... }
 * }
 * }</pre>
 *
 * <p>Every denial is logged at debug level with its reason code, the key id and display form,
 * and counted by status; the key itself never is.
 */
public final class Keywarden implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Keywarden.class);

  private final Store store;
  private final AccessModel model;
  private final Clock clock;
  private final KeyHasher hasher;
  private final KeyCache cache;
  private final LastUsedRecorder lastUsed;
  private final DecisionEngine access;
  private final DecisionEngine operator;
  private final KeyService keys;
  private final TenantService tenants;
  private final IdGenerator ids;
  private final JdbcQuotaLedger quotaLedger;
  private final LongAdder[] counts = new LongAdder[DecisionStatus.values().length];

  private Keywarden(Store store, AccessModel model, Clock clock, SecretRing ring,
      CacheSettings cacheSettings, Duration flushInterval, JdbcQuotaLedger quotaLedger) {
    this.store = store;
    this.quotaLedger = quotaLedger;
    this.model = model;
    this.clock = clock;
    this.hasher = new KeyHasher(ring);
    this.ids = new IdGenerator(clock);
    this.cache = new KeyCache(store, model, cacheSettings, ClockTicker.of(clock));
    store.addListener(cache);
    this.lastUsed = new LastUsedRecorder(store, clock, flushInterval);
    this.access = new DecisionEngine(hasher, clock, Realm.ACCESS);
    this.operator = new DecisionEngine(hasher, clock, Realm.OPERATOR);
    this.keys = new KeyService(store, model, new KeyIssuer(model, hasher, ids, clock), clock);
    this.tenants = new TenantService(store, model);
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  /** A builder; with nothing set it opens SQLite in {@code ./data} with the default model. */
  public static Builder builder() {
    return new Builder();
  }

  /** Verifies an access key (user or project key) for a request. */
  public Decision verify(VerifyRequest request) {
    return record(access.verify(request, cache));
  }

  /** Verifies an operator key for Keywarden's own management API. */
  public Decision verifyOperator(VerifyRequest request) {
    return record(operator.verify(request, cache));
  }

  /**
   * Verifies an access key looking things up in {@code directory} (e.g. a cache-only view that
   * refuses to block), with the same counting and last-use recording.
   */
  public Decision verify(VerifyRequest request, AccessDirectory directory) {
    return record(access.verify(request, directory));
  }

  /**
   * Verifies an access key like {@link #verify(VerifyRequest, AccessDirectory)}, counting the
   * decision but leaving the key's last use to {@link #markUsed}: for callers whose later checks
   * (rate limits, quotas) may still refuse the request, which then must not count as a use.
   */
  public Decision decide(VerifyRequest request, AccessDirectory directory) {
    Decision d = access.verify(request, directory);
    count(d);
    return d;
  }

  /** Records that the key of a valid decision from {@link #decide} was used; nothing for others. */
  public void markUsed(Decision d) {
    if (d.isValid()) {
      lastUsed.used(d.resolvedKey(), d.decidedAtMillis());
    }
  }

  /** Verifies an operator key looking things up in {@code directory}. */
  public Decision verifyOperator(VerifyRequest request, AccessDirectory directory) {
    return record(operator.verify(request, directory));
  }

  private Decision record(Decision d) {
    count(d);
    markUsed(d);
    return d;
  }

  private void count(Decision d) {
    counts[d.status().ordinal()].increment();
    if (!d.isValid() && LOG.isDebugEnabled()) {
      var k = d.key();
      LOG.debug("denied reason={} key={} display={}", d.reason(),
          k == null ? "-" : k.id(), k == null ? "-" : k.display());
    }
  }

  /** How many decisions of this status were made since start. */
  public long count(DecisionStatus status) {
    return counts[status.ordinal()].sum();
  }

  public Store store() {
    return store;
  }

  public KeyService keys() {
    return keys;
  }

  /** Workspaces, projects, users and memberships, with input checks. */
  public TenantService tenants() {
    return tenants;
  }

  public KeyCache cache() {
    return cache;
  }

  public AccessModel model() {
    return model;
  }

  public Clock clock() {
    return clock;
  }

  public IdGenerator ids() {
    return ids;
  }

  public KeyHasher hasher() {
    return hasher;
  }

  /** The engine for access keys, for callers that stage verification themselves. */
  public DecisionEngine accessEngine() {
    return access;
  }

  /** The recorder of last use, for callers that stage verification themselves. */
  public LastUsedRecorder lastUsed() {
    return lastUsed;
  }

  /**
   * Where calendar quotas keep their counts across restarts: give it to the rate limiter ({@code
   * LocalRateLimiter.Builder#quotaLedger}). Opened with the store, flushed and closed by {@link
   * #close()}.
   */
  public JdbcQuotaLedger quotaLedger() {
    return quotaLedger;
  }

  /** Flushes last use times and quota counts, and closes the store. */
  @Override
  public void close() {
    try {
      lastUsed.close();
    } finally {
      try {
        quotaLedger.close();
      } finally {
        store.close();
      }
    }
  }

  /** Builds a {@link Keywarden}. */
  public static final class Builder {
    private Path dataDir = Path.of("data");
    private String jdbcUrl;
    private String jdbcUser;
    private String jdbcPassword;
    private AccessModel model = AccessModel.defaults();
    private Clock clock = Clock.systemUTC();
    private SecretRing secrets;
    private CacheSettings cacheSettings = CacheSettings.DEFAULTS;
    private Duration lastUsedFlush = Duration.ofSeconds(1);
    private Duration quotaFlush = JdbcQuotaLedger.DEFAULT_FLUSH_INTERVAL;

    private Builder() {}

    /** Data directory: the SQLite file and, unless {@link #secrets} is given, {@code secret.key}. */
    public Builder dataDir(Path dir) {
      this.dataDir = Objects.requireNonNull(dir, "data directory");
      return this;
    }

    /** Use this database instead of SQLite in the data directory. */
    public Builder database(String url, String user, String password) {
      this.jdbcUrl = Objects.requireNonNull(url, "database url");
      this.jdbcUser = user;
      this.jdbcPassword = password;
      return this;
    }

    public Builder model(AccessModel model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Deployment secrets from configuration instead of the data directory's file. */
    public Builder secrets(SecretRing ring) {
      this.secrets = ring;
      return this;
    }

    public Builder cache(CacheSettings settings) {
      this.cacheSettings = Objects.requireNonNull(settings, "cache settings");
      return this;
    }

    /** How often last use times are written; zero writes only on {@link Keywarden#close()} and flush. */
    public Builder lastUsedFlushInterval(Duration interval) {
      if (interval == null || interval.isNegative()) {
        throw new IllegalArgumentException("last-used flush interval must not be negative");
      }
      this.lastUsedFlush = interval;
      return this;
    }

    /**
     * How often quota counts are written (default 5 s): a crash loses at most this much counting;
     * zero writes only on {@link Keywarden#close()} and {@link JdbcQuotaLedger#flush()}.
     */
    public Builder quotaFlushInterval(Duration interval) {
      if (interval == null || interval.isNegative()) {
        throw new IllegalArgumentException("quota flush interval must not be negative");
      }
      this.quotaFlush = interval;
      return this;
    }

    /** Opens the store (migrating its schema) and wires everything. */
    public Keywarden open() {
      SecretRing ring = secrets;
      if (ring == null) {
        try {
          ring = DeploymentSecrets.loadOrCreate(dataDir);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read or create the deployment secret in " + dataDir, e);
        }
      }
      IdGenerator ids = new IdGenerator(clock);
      Store store = jdbcUrl == null
          ? JdbcStore.openSqlite(dataDir, clock, ids)
          : JdbcStore.open(jdbcUrl, jdbcUser, jdbcPassword, clock, ids);
      JdbcQuotaLedger ledger;
      try {
        ledger = JdbcQuotaLedger.open(store, clock, quotaFlush);
      } catch (RuntimeException e) {
        store.close();
        throw e;
      }
      return new Keywarden(store, model, clock, ring, cacheSettings, lastUsedFlush, ledger);
    }
  }
}
