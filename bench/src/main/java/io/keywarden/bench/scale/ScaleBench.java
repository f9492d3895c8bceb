package io.keywarden.bench.scale;

import io.keywarden.core.decision.Decision;
import io.keywarden.core.decision.VerifyRequest;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyFormat;
import io.keywarden.core.policy.IssuedKey;
import io.keywarden.core.policy.KeyIssuer;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.store.Actor;
import io.keywarden.store.jdbc.JdbcStore;
import io.keywarden.store.service.Keywarden;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The store at scale, one database per run:
 *
 * <ol>
 *   <li>creation rate through the public path ({@code KeyService.create}: checks, insert, audit
 *       event, one transaction per key) for a few thousand keys;
 *   <li>the rest up to N keys through {@link BulkKeys} (same rows, batched), its rate, and a
 *       sample read back through the store and compared with what was written;
 *   <li>cold-miss verification latency (p50/p99) of keys not yet cached;
 *   <li>memory per cached key: heap after GC with C keys cached minus heap after GC with none;
 *   <li>floods of bad-checksum keys and of well-formed unknown keys, with the store queries
 *       they caused ({@code KeyCache.storeReads()}).
 * </ol>
 *
 * Usage: {@code ScaleBench sqlite|postgresql KEYS OUT.tsv [PG_URL]}. Appends rows {@code
 * store, metric, value, unit, note} to OUT.tsv.
 */
public final class ScaleBench {
  /** {@code -Dbench.quick=true}: smaller samples and floods, for a smoke run. */
  private static final boolean QUICK = Boolean.getBoolean("bench.quick");

  private final String db;
  private final int n;
  private final PrintStream out;

  private ScaleBench(String db, int n, PrintStream out) {
    this.db = db;
    this.n = n;
    this.out = out;
  }

  /** Entry point; see the class comment. */
  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: ScaleBench sqlite|postgresql KEYS OUT.tsv [PG_URL]");
      System.exit(2);
    }
    String db = args[0];
    int n = Integer.parseInt(args[1]);
    try (PrintStream ps = new PrintStream(Files.newOutputStream(Path.of(args[2]),
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true)) {
      new ScaleBench(db, n, ps).run(args.length > 3 ? args[3] : null);
    }
  }

  private void row(String metric, double value, String unit, String note) {
    String v = value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
    String line = db + "\t" + metric + "\t" + v + "\t" + unit + "\t" + note;
    out.println(line);
    System.out.println(line);
  }

  private void run(String pgUrl) throws Exception {
    Path dir = Files.createTempDirectory("kw-scale");
    String schema = null;
    String url;
    Keywarden.Builder b = Keywarden.builder().dataDir(dir).lastUsedFlushInterval(java.time.Duration.ZERO);
    if (db.equals("postgresql")) {
      schema = "kw_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      exec(pgUrl, "CREATE SCHEMA " + schema);
      url = pgUrl + (pgUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema
          + "&reWriteBatchedInserts=true";
      b.database(url, null, null);
    } else {
      url = "jdbc:sqlite:" + dir.resolve(JdbcStore.SQLITE_FILE);
    }
    try (Keywarden kw = b.open()) {
      measure(kw, url);
    } finally {
      if (schema != null) {
        exec(pgUrl, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // best effort
      }
    }
  }

  private static void exec(String url, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private void measure(Keywarden kw, String url) throws Exception {
    var store = kw.store();
    // Keys spread over tenants, each a workspace with one member who owns its keys, so that what
    // cached keys share (workspace and owner ids) is shared as in a real population, not 1M-fold.
    int tenants = QUICK ? 10 : 100;
    NewKeyRequest[] requests = new NewKeyRequest[tenants];
    for (int t = 0; t < tenants; t++) {
      var ws = store.createWorkspace("scale-" + t, "default", null, Actor.SYSTEM);
      var user = store.createUser("scale" + t + "@example.com", "Scale " + t, Actor.SYSTEM);
      store.putMembership(ws.id(), user.id(), "member", List.of(), null, Actor.SYSTEM);
      requests[t] = NewKeyRequest.userKey(ws.id(), user.id(), "scale", t % 2 == 0 ? List.of("read") : List.of("read", "write"));
    }
    var requirement = kw.model().scopes().requireAll(List.of("read"));

    int sampleSize = Math.min(n, QUICK ? 10_000 : 100_000);
    int stride = Math.max(1, n / sampleSize);
    List<String> sample = new ArrayList<>(sampleSize);

    // 1. The public path.
    int viaApi = Math.min(n, QUICK ? 100 : 1_000);
    long t0 = System.nanoTime();
    for (int i = 0; i < viaApi; i++) {
      IssuedKey k = kw.keys().create(requests[i % tenants], Actor.SYSTEM);
      if (i % stride == 0 && sample.size() < sampleSize) {
        sample.add(k.secret());
      }
    }
    double apiSeconds = (System.nanoTime() - t0) / 1e9;
    row("create_public_path", viaApi / apiSeconds, "keys/s",
        viaApi + " keys through KeyService.create, one transaction each");

    // 2. The rest in batches.
    KeyIssuer issuer = new KeyIssuer(kw.model(), kw.hasher(), kw.ids(), kw.clock());
    List<IssuedKey> check = new ArrayList<>();
    t0 = System.nanoTime();
    try (BulkKeys bulk = new BulkKeys(url, null, null)) {
      for (int i = viaApi; i < n; i++) {
        IssuedKey k = issuer.issue(requests[i % tenants], null, Actor.SYSTEM.id());
        bulk.add(k.key(), kw.ids().next("evt"), Actor.SYSTEM.id(), Instant.now(), 5_000);
        if (i % stride == 0 && sample.size() < sampleSize) {
          sample.add(k.secret());
        }
        if (i % 9_973 == 0) {
          check.add(k);
        }
        if (i % 100_000 == 0 && i > viaApi) {
          System.err.printf("%s: %d keys written, %.0f keys/s%n", db, i,
              (i - viaApi) / ((System.nanoTime() - t0) / 1e9));
        }
      }
    }
    double bulkSeconds = (System.nanoTime() - t0) / 1e9;
    int bulkCount = n - viaApi;
    row("create_bulk", bulkCount > 0 ? bulkCount / bulkSeconds : 0, "keys/s",
        bulkCount + " keys in batched transactions of 5000 (same rows as the store)");
    for (IssuedKey k : check) {
      ApiKey stored = store.keyByHash(k.key().hash()).orElseThrow(
          () -> new IllegalStateException("bulk key not found through the store"));
      ApiKey expected = k.key();
      if (!stored.id().equals(expected.id()) || !stored.scopes().equals(expected.scopes())
          || !stored.display().equals(expected.display())
          || stored.createdAt().toEpochMilli() != expected.createdAt().toEpochMilli()
          || !stored.workspaceId().equals(expected.workspaceId())) {
        throw new IllegalStateException("bulk key reads back differently: " + stored);
      }
    }
    row("keys_in_store", n, "keys", "over " + tenants + " workspaces (one owner each); " + check.size()
        + " bulk keys read back through the store and compared");

    // 3. Cold misses: keys never verified before.
    int cold = Math.min(sample.size(), QUICK ? 1_000 : 5_000);
    long[] lat = new long[cold];
    long reads0 = kw.cache().storeReads();
    for (int i = 0; i < cold; i++) {
      VerifyRequest r = VerifyRequest.ofKey(sample.get(i)).withRequirement(requirement);
      long s = System.nanoTime();
      Decision d = kw.verify(r);
      lat[i] = System.nanoTime() - s;
      if (!d.isValid()) {
        throw new IllegalStateException("sample key does not verify: " + d);
      }
    }
    Arrays.sort(lat);
    row("cold_miss_verify_p50", lat[cold / 2] / 1e3, "us", cold + " keys, each verified once");
    row("cold_miss_verify_p99", lat[(int) (cold * 0.99)] / 1e3, "us",
        "store queries: " + (kw.cache().storeReads() - reads0));

    // 4. Memory per cached key.
    kw.lastUsed().flush();
    kw.cache().invalidateAll();
    long empty = heapAfterGc();
    int cached = sample.size();
    for (int i = 0; i < cached; i++) {
      kw.verify(VerifyRequest.ofKey(sample.get(i)).withRequirement(requirement));
    }
    kw.lastUsed().flush();
    long full = heapAfterGc();
    long count = kw.cache().cachedKeyCount();
    row("memory_per_cached_key", (double) (full - empty) / count, "bytes",
        count + " keys cached; heap after GC " + (full >> 20) + " MiB vs " + (empty >> 20) + " MiB empty");

    // 5. Floods.
    String prefix = kw.model().prefix(io.keywarden.core.keys.KeyType.SECRET, kw.model().defaultEnvironment());
    int floodBad = QUICK ? 50_000 : 200_000;
    String[] bad = new String[floodBad];
    for (int i = 0; i < floodBad; i++) {
      String k = KeyFormat.generate(prefix);
      char last = k.charAt(k.length() - 1);
      bad[i] = k.substring(0, k.length() - 1) + (last == 'a' ? 'b' : 'a');
    }
    reads0 = kw.cache().storeReads();
    t0 = System.nanoTime();
    for (String k : bad) {
      if (kw.verify(VerifyRequest.ofKey(k).withRequirement(requirement)).isValid()) {
        throw new IllegalStateException("bad checksum accepted");
      }
    }
    double s = (System.nanoTime() - t0) / 1e9;
    row("flood_bad_checksum_rate", floodBad / s, "keys/s", floodBad + " distinct keys, one thread");
    row("flood_bad_checksum_store_queries", kw.cache().storeReads() - reads0, "queries",
        "for " + floodBad + " keys");

    int floodUnknown = QUICK ? 10_000 : 20_000;
    String[] unknown = new String[floodUnknown];
    for (int i = 0; i < floodUnknown; i++) {
      unknown[i] = KeyFormat.generate(prefix);
    }
    for (int round = 1; round <= 2; round++) {
      reads0 = kw.cache().storeReads();
      t0 = System.nanoTime();
      for (String k : unknown) {
        if (kw.verify(VerifyRequest.ofKey(k).withRequirement(requirement)).isValid()) {
          throw new IllegalStateException("unknown key accepted");
        }
      }
      s = (System.nanoTime() - t0) / 1e9;
      long q = kw.cache().storeReads() - reads0;
      String what = round == 1 ? "flood_unknown_distinct" : "flood_unknown_replayed";
      row(what + "_rate", floodUnknown / s, "keys/s", floodUnknown + " well-formed unknown keys, one thread"
          + (round == 2 ? ", the same keys again" : ""));
      row(what + "_store_queries", q, "queries", "for " + floodUnknown + " keys");
      row(what + "_queries_per_second", q / s, "queries/s", "store queries per second during the flood");
    }
  }

  private static long heapAfterGc() throws InterruptedException {
    var mem = ManagementFactory.getMemoryMXBean();
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
      best = Math.min(best, mem.getHeapMemoryUsage().getUsed());
    }
    return best;
  }
}
