package io.keywarden.bench;

import io.keywarden.core.decision.Decision;
import io.keywarden.core.decision.VerifyRequest;
import io.keywarden.core.keys.KeyHash;
import io.keywarden.core.policy.IssuedKey;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.store.Actor;
import io.keywarden.store.service.Keywarden;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The verify path in process, single thread, next to the raw cost of hashing the same key.
 *
 * <ul>
 *   <li>{@code hmacSha256}: HMAC-SHA256 of the key with a ready {@link Mac} (the floor: verify must
 *       compute exactly this once);
 *   <li>{@code sha256}: plain SHA-256 of the key, for scale;
 *   <li>{@code verifyCachedValidKey}: the full decision for a cached, valid user key with a
 *       scope requirement, including last-use recording;
 *   <li>{@code rejectBadChecksum}: a key with one wrong character; no hash, no store access;
 *   <li>{@code rejectUnknownKeyFromNegativeCache}: a well-formed unknown key already cached as
 *       unknown.
 * </ul>
 *
 * Goals (foundation issue): verify at most 2x the HMAC; bad checksum at most 100 ns. {@link
 * #checkNoStoreAccess} fails the run if the rejection benchmarks touched the store.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Threads(1)
public class VerifyBenchmark {
  private Path dataDir;
  private Keywarden kw;
  private VerifyRequest validRequest;
  private VerifyRequest badChecksumRequest;
  private VerifyRequest unknownRequest;
  private Mac mac;
  private MessageDigest sha256;
  private byte[] keyBytes;
  private final byte[] out = new byte[32];
  private long storeReadsAfterSetup;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dataDir = Files.createTempDirectory("kw-bench");
    kw = Keywarden.builder().dataDir(dataDir).lastUsedFlushInterval(Duration.ofSeconds(1)).open();
    var store = kw.store();
    var ws = store.createWorkspace("bench", "default", null, Actor.SYSTEM);
    var user = store.createUser("bench@example.com", "Bench", Actor.SYSTEM);
    store.putMembership(ws.id(), user.id(), "member", List.of(), null, Actor.SYSTEM);
    IssuedKey issued = kw.keys().create(
        NewKeyRequest.userKey(ws.id(), user.id(), "bench", List.of("read", "write")), Actor.SYSTEM);
    String key = issued.secret();
    var requirement = kw.model().scopes().requireAll(List.of("read"));
    validRequest = VerifyRequest.ofKey(key).withRequirement(requirement).withPublicRoute(false);
    char last = key.charAt(key.length() - 1);
    String bad = key.substring(0, key.length() - 1) + (last == 'a' ? 'b' : 'a');
    badChecksumRequest = VerifyRequest.ofKey(bad).withRequirement(requirement);
    String unknown = io.keywarden.core.keys.KeyFormat.generate("kw_sk_live");
    unknownRequest = VerifyRequest.ofKey(unknown).withRequirement(requirement);
    Decision d = kw.verify(validRequest);
    if (!d.isValid()) {
      throw new IllegalStateException("setup key does not verify: " + d);
    }
    kw.verify(unknownRequest); // now negatively cached
    storeReadsAfterSetup = kw.cache().storeReads();

    keyBytes = key.getBytes(StandardCharsets.US_ASCII);
    byte[] secret = new byte[32];
    new java.security.SecureRandom().nextBytes(secret);
    mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    sha256 = MessageDigest.getInstance("SHA-256");
  }

  @Benchmark
  public byte[] hmacSha256() throws Exception {
    mac.update(keyBytes);
    mac.doFinal(out, 0);
    return out;
  }

  @Benchmark
  public byte[] sha256() throws Exception {
    sha256.update(keyBytes);
    sha256.digest(out, 0, 32);
    return out;
  }

  @Benchmark
  public Decision verifyCachedValidKey() {
    return kw.verify(validRequest);
  }

  @Benchmark
  public Decision rejectBadChecksum() {
    return kw.verify(badChecksumRequest);
  }

  @Benchmark
  public Decision rejectUnknownKeyFromNegativeCache() {
    return kw.verify(unknownRequest);
  }

  /** Hashing alone through Keywarden's hasher (thread-local Mac, no byte[] per call but the result). */
  @Benchmark
  public KeyHash keywardenHasher() {
    return kw.hasher().hash(validRequest.key());
  }

  @TearDown(Level.Trial)
  public void checkNoStoreAccess() throws Exception {
    long reads = kw.cache().storeReads() - storeReadsAfterSetup;
    kw.close();
    try (Stream<Path> s = Files.walk(dataDir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    if (reads != 0) {
      throw new IllegalStateException("benchmarks read the store " + reads + " times after setup");
    }
  }
}
