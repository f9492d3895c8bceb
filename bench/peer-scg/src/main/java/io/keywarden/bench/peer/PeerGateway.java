package io.keywarden.bench.peer;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Spring Cloud Gateway with the key check a Java team would write: HMAC-SHA256 of the bearer key
 * (deployment secret made at start), looked up in an in-memory map of hash to granted scopes; the
 * route needs the {@code read} scope. Every path is proxied to {@code UPSTREAM_URL}.
 *
 * <p>Configuration (environment): {@code UPSTREAM_URL}, {@code BENCH_KEY} (the one valid key),
 * {@code server.port} as usual for Spring Boot.
 */
@SpringBootApplication
public class PeerGateway {

  public static void main(String[] args) {
    SpringApplication.run(PeerGateway.class, args);
  }

  @Bean
  RouteLocator routes(RouteLocatorBuilder builder) {
    String upstream = System.getenv().getOrDefault("UPSTREAM_URL", "http://127.0.0.1:18190");
    return builder.routes().route("all", r -> r.path("/**").uri(upstream)).build();
  }

  /** The key check, ahead of routing. */
  @Component
  static final class KeyCheckFilter implements GlobalFilter, Ordered {
    private final byte[] secret = new byte[32];
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);
    private final Map<HashKey, Set<String>> keys = new ConcurrentHashMap<>();

    KeyCheckFilter() {
      new SecureRandom().nextBytes(secret);
      String key = System.getenv("BENCH_KEY");
      if (key != null) {
        keys.put(new HashKey(hmac(key)), Set.of("read"));
      }
      // Some other keys, so the map is not a one-entry special case.
      for (int i = 0; i < 10_000; i++) {
        keys.put(new HashKey(hmac("kw_sk_live_other" + i)), Set.of("read"));
      }
    }

    private Mac newMac() {
      try {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(secret, "HmacSHA256"));
        return m;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    private byte[] hmac(String key) {
      return macs.get().doFinal(key.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
      String auth = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
      if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return refuse(exchange, HttpStatus.UNAUTHORIZED);
      }
      Set<String> scopes = keys.get(new HashKey(hmac(auth.substring(7).trim())));
      if (scopes == null) {
        return refuse(exchange, HttpStatus.UNAUTHORIZED);
      }
      if (!scopes.contains("read")) {
        return refuse(exchange, HttpStatus.FORBIDDEN);
      }
      return chain.filter(exchange.mutate()
          .request(r -> r.headers(h -> h.remove(HttpHeaders.AUTHORIZATION)))
          .build());
    }

    private static Mono<Void> refuse(ServerWebExchange exchange, HttpStatus status) {
      exchange.getResponse().setStatusCode(status);
      return exchange.getResponse().setComplete();
    }

    @Override
    public int getOrder() {
      return Ordered.HIGHEST_PRECEDENCE;
    }
  }

  /** A 32-byte hash as a map key. */
  private record HashKey(byte[] h) {
    @Override
    public boolean equals(Object o) {
      return o instanceof HashKey other && Arrays.equals(h, other.h);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(h);
    }
  }
}
