package io.keywarden.bench;

import io.keywarden.core.scopes.ScopeDefinition;
import io.keywarden.core.scopes.ScopeRequirement;
import io.keywarden.core.scopes.ScopeSet;
import io.keywarden.core.scopes.ScopeVocabulary;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A scope check with nesting and wildcards, single thread: a vocabulary of 80 scopes where
 * {@code admin} implies {@code env:write} implies {@code env:read}, and {@code deploy} implies
 * {@code logs:read}; the key's grant is {@code ["env:*", "deploy", "billing:read"]}, compiled
 * once (as a cached key holds it).
 *
 * <ul>
 *   <li>{@code requireAllNestedAndWildcard}: needs {@code env:read} (via the wildcard) and
 *       {@code logs:read} (implied by {@code deploy}): granted;
 *   <li>{@code requireAnyOfThreeRefused}: three alternatives, none satisfied: refused.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Threads(1)
public class ScopeCheckBenchmark {
  private ScopeSet grant;
  private ScopeRequirement nested;
  private ScopeRequirement refused;

  @Setup(Level.Trial)
  public void setUp() {
    List<ScopeDefinition> defs = new java.util.ArrayList<>(List.of(
        ScopeDefinition.of("env:read"), ScopeDefinition.of("env:write", "env:read"),
        ScopeDefinition.of("logs:read"), ScopeDefinition.of("deploy", "logs:read"),
        ScopeDefinition.of("billing:read"), ScopeDefinition.of("billing:write", "billing:read"),
        ScopeDefinition.of("admin", "env:write", "deploy", "billing:write")));
    for (int i = 0; defs.size() < 80; i++) {
      defs.add(ScopeDefinition.of("extra" + i + ":read"));
    }
    ScopeVocabulary v = ScopeVocabulary.of(defs);
    grant = v.grant(List.of("env:*", "deploy", "billing:read"));
    nested = v.requireAll(List.of("env:read", "logs:read"));
    refused = v.requireAny(List.of(List.of("admin"), List.of("billing:write"), List.of("extra70:read", "env:read")));
    if (!nested.isSatisfiedBy(grant) || refused.isSatisfiedBy(grant)) {
      throw new IllegalStateException("unexpected scope outcome");
    }
  }

  @Benchmark
  public boolean requireAllNestedAndWildcard() {
    return nested.isSatisfiedBy(grant);
  }

  @Benchmark
  public boolean requireAnyOfThreeRefused() {
    return refused.isSatisfiedBy(grant);
  }
}
