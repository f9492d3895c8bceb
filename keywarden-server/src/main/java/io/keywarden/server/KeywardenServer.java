package io.keywarden.server;

import io.keywarden.server.api.ApiRouter;
import io.keywarden.server.config.ConfigException;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.gateway.GatewayConfig;
import io.keywarden.server.gateway.Gateway;
import io.keywarden.server.cluster.InvalidationBus;
import io.keywarden.server.ratelimit.RateLimits;
import io.keywarden.server.config.KeywardenConfig;
import io.keywarden.server.config.ServerSettings;
import io.keywarden.server.listener.ConnectionGuard;
import io.keywarden.server.listener.StrictRequestDecoder;
import io.keywarden.server.listener.TlsCertificate;
import io.keywarden.store.service.Keywarden;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Keywarden node: the embedded {@link Keywarden}, a Vert.x instance and the API
 * server, one listener per event loop on the same port.
 *
 * <p>{@link #close()} is the graceful shutdown: stop accepting, let in-flight requests finish
 * within the configured grace, flush {@code last_used_at}, close the store.
 */
public final class KeywardenServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeywardenServer.class);

  private final KeywardenConfig config;
  private final Keywarden kw;
  private final Vertx vertx;
  private final List<HttpServer> apiServers;
  private final List<HttpServer> gatewayServers;
  private final ApiRouter api;
  private final Gateway gateway;
  private final RateLimits limits;
  private final InvalidationBus bus;
  private final TlsCertificate tls;
  private volatile long configStamp;
  private final long operatorKeyWatch;

  private KeywardenServer(KeywardenConfig config, Keywarden kw, Vertx vertx, List<HttpServer> apiServers,
      ApiRouter api, Gateway gateway, List<HttpServer> gatewayServers, RateLimits limits, InvalidationBus bus,
      TlsCertificate tls) {
    this.tls = tls;
    this.limits = limits;
    this.bus = bus;
    this.config = config;
    this.kw = kw;
    this.vertx = vertx;
    this.apiServers = apiServers;
    this.api = api;
    this.gateway = gateway;
    this.gatewayServers = gatewayServers;
    this.configStamp = stamp(config.configFile());
    // Operator-key changes of other processes (reset-key, a node without the invalidation bus)
    // reach the verification API within a second; management requests look on every request.
    this.operatorKeyWatch = vertx.setPeriodic(1000, t -> vertx.executeBlocking(kw::refreshOperatorKeys, false));
    if (config.configFile() != null) {
      vertx.setPeriodic(1000, t -> vertx.executeBlocking(() -> {
        reloadIfChanged();
        return null;
      }, false));
    }
  }

  /**
   * Stores the configuration file's plans that the store does not have yet; a stored plan wins
   * (it may have been changed through {@code /v1/plans}), and a difference is logged once.
   */
  /**
   * The rate limits of a node, built here where the server is wired (the {@code ratelimit} package
   * knows no backend): the configured backend counting gateway and verify requests (Redis, or this
   * node's memory), an in-process limiter for the management API, and {@code kw}'s store for
   * workspace plans. The caller registers the result as a store listener.
   */
  static RateLimits rateLimits(Vertx vertx, io.keywarden.server.config.RateLimitConfig config, Keywarden kw) {
    Clock clock = kw.clock();
    var local = io.keywarden.core.ratelimit.LocalRateLimiter.builder().clock(clock).maxCounters(config.maxCounters())
        .quotaLedger(kw.quotaLedger()).build();
    io.keywarden.server.ratelimit.Limiter limiter;
    if (config.backend() == io.keywarden.server.config.RateLimitConfig.Backend.REDIS) {
      var options = io.keywarden.server.ratelimit.redis.RedisLimiter.Options.of(config.redisUrl())
          .withTimeout(config.redisTimeout())
          .withOnFailure(config.onFailure() == io.keywarden.server.config.RateLimitConfig.OnFailure.REFUSE
              ? io.keywarden.server.ratelimit.redis.RedisLimiter.OnFailure.REFUSE
              : io.keywarden.server.ratelimit.redis.RedisLimiter.OnFailure.LOCAL);
      limiter = new io.keywarden.server.ratelimit.redis.RedisLimiter(vertx, options, clock, kw.quotaLedger(), local);
    } else {
      limiter = new io.keywarden.server.ratelimit.LocalLimiter(local);
    }
    var perNode = io.keywarden.core.ratelimit.LocalRateLimiter.builder().clock(clock).build();
    RateLimits limits = new RateLimits(config, limiter, perNode, kw.store(), clock, kw.model());
    limits.refreshPlans();
    return limits;
  }

  private static void seedPlans(Keywarden kw, KeywardenConfig config) {
    var plans = config.rateLimits().plans();
    java.util.Map<String, String> configured = new java.util.TreeMap<>();
    for (String name : config.model().plans()) {
      var p = plans.plan(name);
      if (p != null) {
        configured.put(name, io.keywarden.server.config.RateLimitConfig.policiesJson(p.policies()).toString());
      }
    }
    List<String> added = kw.store().seedPlans(configured, io.keywarden.store.Actor.SYSTEM);
    for (var e : configured.entrySet()) {
      if (added.contains(e.getKey())) {
        continue;
      }
      kw.store().plan(e.getKey()).filter(stored -> !sameJson(stored.policies(), e.getValue()))
          .ifPresent(stored -> LOG.info("plan {}: the stored policies are in force; the configuration"
              + " file's differ (plans are managed through /v1/plans once stored)", e.getKey()));
    }
  }

  private static boolean sameJson(String a, String b) {
    try {
      var m = new com.fasterxml.jackson.databind.ObjectMapper();
      return m.readTree(a).equals(m.readTree(b));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return false;
    }
  }

  /** Starts a node with the system clock, printing a first admin key to {@code terminal}. */
  public static KeywardenServer start(KeywardenConfig config, PrintStream terminal) {
    return start(config, Clock.systemUTC(), terminal);
  }

  /** Starts a node. Blocks until it listens; fails with a clear message if it cannot. */
  public static KeywardenServer start(KeywardenConfig config, Clock clock, PrintStream terminal) {
    long t0 = System.nanoTime();
    ServerSettings s = config.server();
    int loops = s.eventLoops() > 0 ? s.eventLoops() : Math.max(1, Runtime.getRuntime().availableProcessors());
    // Vert.x starts on another thread while the store opens and migrates: they share nothing.
    // Both listeners: limits on slow and idle clients, from the moment a connection is accepted.
    ConnectionGuard guard = new ConnectionGuard(s.timeouts());
    CompletableFuture<Vertx> vertxStart = CompletableFuture.supplyAsync(() -> {
      VertxOptions vo = new VertxOptions().setEventLoopPoolSize(loops);
      Vertx v = Vertx.builder().with(vo).withTransport(guard.transport(vo.getPreferNativeTransport())).build();
      Router.router(v); // loads the web classes now rather than on the critical path
      return v;
    });
    Keywarden.Builder b = store(config, clock);
    Keywarden kw;
    try {
      kw = b.open();
    } catch (RuntimeException e) {
      vertxStart.thenAccept(Vertx::close);
      throw e;
    }
    Vertx vertx = null;
    TlsCertificate tls = null;
    try {
      long storeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      vertx = vertxStart.join();
      seedPlans(kw, config);
      RateLimits limits = rateLimits(vertx, config.rateLimits(), kw);
      kw.store().addListener(limits);
      InvalidationBus bus = null;
      if (config.rateLimits().backend() == io.keywarden.server.config.RateLimitConfig.Backend.REDIS) {
        // Redis carries the cluster's cache invalidations too: a revocation reaches every node.
        bus = new InvalidationBus(vertx, config.rateLimits().redisUrl(),
            java.util.UUID.randomUUID().toString(),
            List.of(kw.cache(), limits), () -> {
              kw.cache().invalidateAll();
              limits.invalidateAll();
            });
        kw.store().addListener(bus);
      }
      ApiRouter api = ApiRouter.create(vertx, kw, s, limits);
      api.clientAddresses(clientAddresses(config.gateway()));
      // Both listeners may serve TLS, with a certificate re-read when its files change.
      tls = s.tls() == null ? null : TlsCertificate.load(vertx, s.tls());
      boolean apiTls = tls != null && s.tls().api();
      boolean gatewayTls = tls != null && s.tls().gateway();
      HttpServerOptions options = guard.options(new HttpServerOptions()
          .setHost(s.bind())
          .setPort(s.apiPort())
          .setHttp2ClearTextEnabled(true)
          .setTcpNoDelay(true));
      if (apiTls) {
        tls.apply(options);
      }
      List<HttpServer> servers = new ArrayList<>();
      // The API answers 503 until start-up is complete (the admin key handed over), so whoever
      // sees it answer can rely on the key file being there.
      java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
      io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> apiHandler = guarded(guard, startingGate(started, api.router()));
      HttpServer first = await(vertx.createHttpServer(options).requestHandler(apiHandler).invalidRequestHandler(StrictRequestDecoder::answerInvalid).listen(), "listen on " + s.bind() + ":" + s.apiPort());
      servers.add(first);
      // Vert.x shares one listening socket among servers with the same options (port 0 included:
      // they then share the first one's random port), one server per event loop.
      for (int i = 1; i < loops; i++) {
        servers.add(await(vertx.createHttpServer(options).requestHandler(apiHandler).invalidRequestHandler(StrictRequestDecoder::answerInvalid).listen(), "listen"));
      }
      Gateway gateway = new Gateway(vertx, kw, config.gateway(), limits);
      HttpServerOptions gatewayOptions = guard.options(new HttpServerOptions()
          .setHost(s.bind())
          .setPort(s.gatewayPort())
          .setHttp2ClearTextEnabled(true)
          // The gateway touches each request only on its event loop: no write synchronization.
          .setStrictThreadMode(true)
          .setTcpNoDelay(true));
      if (gatewayTls) {
        tls.apply(gatewayOptions);
      }
      List<HttpServer> gatewayServers = new ArrayList<>();
      for (int i = 0; i < loops; i++) {
        gatewayServers.add(await(vertx.createHttpServer(gatewayOptions).requestHandler(guarded(guard, gateway)).invalidRequestHandler(StrictRequestDecoder::answerInvalid).listen(), "listen on " + s.bind() + ":" + s.gatewayPort() + " (gateway)"));
      }
      if (tls != null) {
        (apiTls ? servers : List.<HttpServer>of()).forEach(tls::serve);
        (gatewayTls ? gatewayServers : List.<HttpServer>of()).forEach(tls::serve);
        tls.watch();
      }
      // Only now that every listener is bound: a start that fails issues no admin key.
      Bootstrap.ensureOperatorKey(kw, config.adminKeyFile(), terminal, resetCommand(config));
      started.set(true);
      KeywardenServer server = new KeywardenServer(config, kw, vertx, servers, api, gateway, gatewayServers, limits, bus, tls);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      long sinceProcessStart = ProcessHandle.current().info().startInstant()
          .map(st -> java.time.Duration.between(st, java.time.Instant.now()).toMillis()).orElse(-1L);
      LOG.info("Keywarden ready in {} ms (store {} ms; {} ms since the process started): API {}://{}:{}/v1, gateway {}://{}:{} ({} routes) (store {}, data {})", ms,
          storeMs, sinceProcessStart, apiTls ? "https" : "http", s.bind(), server.apiPort(),
          gatewayTls ? "https" : "http", s.bind(), server.gatewayPort(),
          config.gateway().routes().size(), kw.store().dialect(),
          config.dataDir().toAbsolutePath().normalize());
      return server;
    } catch (IOException | RuntimeException e) {
      if (tls != null) {
        tls.close();
      }
      if (vertx != null) {
        vertx.close();
      } else {
        vertxStart.thenAccept(Vertx::close);
      }
      kw.close();
      if (e instanceof IOException io) {
        throw new IllegalStateException("cannot write the admin key file: " + io.getMessage(), io);
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * The store a node of {@code config} opens: SQLite in the data directory, or the database URL
   * with its credentials, and the deployment secret. {@code keywarden admin reset-key} opens the
   * same.
   */
  static Keywarden.Builder store(KeywardenConfig config, Clock clock) {
    Keywarden.Builder b = Keywarden.builder()
        .dataDir(config.dataDir())
        .model(config.model())
        .cache(config.cache())
        .showSuspensionReason(config.server().showSuspensionReason())
        .clock(clock);
    if (config.databaseUrl() != null) {
      b.database(config.databaseUrl(), config.databaseUser(), config.databasePassword());
    }
    if (config.secrets() != null) {
      b.secrets(config.secrets());
    }
    return b;
  }

  /** {@code router}, once {@code started}; before, 503 with {@code Retry-After: 1}. */
  private static io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> startingGate(
      java.util.concurrent.atomic.AtomicBoolean started, Router router) {
    return req -> {
      if (started.get()) {
        router.handle(req);
        return;
      }
      req.response().setStatusCode(503).putHeader("Retry-After", "1")
          .putHeader("Content-Type", "application/json")
          .end("{\"error\":{\"code\":\"service_unavailable\",\"message\":\"Keywarden is starting.\"}}");
    };
  }

  /** The command that revokes this deployment's admin key and issues a new one. */
  static String resetCommand(KeywardenConfig config) {
    StringBuilder b = new StringBuilder("keywarden admin reset-key");
    if (config.configFile() != null) {
      b.append(" --config ").append(config.configFile().toAbsolutePath());
    }
    if (config.databaseUrl() == null) {
      b.append(" --data-dir ").append(config.dataDir().toAbsolutePath().normalize());
    }
    if (config.adminKeyFile() != null) {
      b.append(" --admin-key-file ").append(config.adminKeyFile().toAbsolutePath());
    }
    return b.toString();
  }

  /**
   * The client address of a request on either listener: the socket peer, or behind the
   * configured {@code trusted_proxies} the first untrusted hop of every {@code X-Forwarded-For}
   * line (the gateway's own resolution).
   */
  private static java.util.function.Function<io.vertx.core.http.HttpServerRequest, String> clientAddresses(
      GatewayConfig gateway) {
    io.keywarden.server.gateway.ClientAddress clients =
        new io.keywarden.server.gateway.ClientAddress(gateway.trustedProxies());
    return req -> {
      String peer = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
      List<String> lines = req.headers().getAll("X-Forwarded-For");
      return clients.resolve(peer, lines.isEmpty() ? null : String.join(",", lines)).client();
    };
  }

  /** The port the gateway listens on (useful with port 0). */
  public int gatewayPort() {
    return gatewayServers.get(0).actualPort();
  }

  /** The cluster's invalidation bus (backend redis), or {@code null} on a single node. */
  public InvalidationBus invalidationBus() {
    return bus;
  }

  /** The rate limits, for tests and the usage endpoints. */
  public RateLimits rateLimits() {
    return limits;
  }

  /** The listeners' TLS certificate, or {@code null} without TLS. */
  public TlsCertificate tls() {
    return tls;
  }

  /** The gateway, for reloads and tests. */
  public Gateway gateway() {
    return gateway;
  }

  /**
   * Re-reads the gateway section of the configuration file. A file that no longer parses, or
   * routes that do not check, leave the routes in force running, and the problem is logged.
   *
   * @return whether new routes are in force
   */
  public boolean reloadGateway() {
    Path file = config.configFile();
    if (file == null) {
      LOG.info("reload asked, but Keywarden was started without a configuration file");
      return false;
    }
    try {
      GatewayConfig next = ConfigLoader.loadGateway(file, config.model().scopes());
      gateway.reload(next);
      api.clientAddresses(clientAddresses(next));
      LOG.info("gateway configuration reloaded from {}: {} routes, upstreams {}", file, next.routes().size(),
          gateway.upstreamNames());
      return true;
    } catch (ConfigException e) {
      LOG.error("gateway configuration in {} not reloaded, the previous routes stay in force: {}", file, e.getMessage());
      return false;
    }
  }

  private void reloadIfChanged() {
    long now = stamp(config.configFile());
    if (now != configStamp) {
      configStamp = now;
      reloadGateway();
    }
  }

  private static long stamp(Path file) {
    if (file == null) {
      return 0;
    }
    try {
      var attrs = java.nio.file.Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
      return attrs.lastModifiedTime().toMillis() * 31 + attrs.size();
    } catch (IOException e) {
      return -1;
    }
  }

  /** The port the API listens on (useful with port 0). */
  public int apiPort() {
    return apiServers.get(0).actualPort();
  }

  public Keywarden keywarden() {
    return kw;
  }

  public ApiRouter api() {
    return api;
  }

  public KeywardenConfig config() {
    return config;
  }

  /** Graceful shutdown: drain, flush, close. */
  @Override
  public void close() {
    vertx.cancelTimer(operatorKeyWatch);
    long graceMs = config.server().shutdownGrace().toMillis();
    List<Future<Void>> stops = new ArrayList<>();
    for (HttpServer s : apiServers) {
      stops.add(s.shutdown(graceMs, TimeUnit.MILLISECONDS));
    }
    for (HttpServer s : gatewayServers) {
      stops.add(s.shutdown(graceMs, TimeUnit.MILLISECONDS));
    }
    try {
      Future.all(stops).toCompletionStage().toCompletableFuture().get(graceMs + 5000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("shutdown did not drain cleanly: {}", e.toString());
    }
    gateway.close();
    if (tls != null) {
      tls.close();
    }
    if (bus != null) {
      bus.close();
    }
    limits.close();
    try {
      kw.close();
    } finally {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        LOG.warn("Vert.x did not close cleanly: {}", e.toString());
      }
    }
    LOG.info("Keywarden stopped");
  }

  /** {@code handler} behind the guard's look at each request. */
  private static io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> guarded(ConnectionGuard guard,
      io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> handler) {
    return req -> {
      guard.onRequest(req);
      handler.handle(req);
    };
  }

  private static <T> T await(Future<T> f, String what) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while trying to " + what, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out trying to " + what, e);
    }
  }
}
