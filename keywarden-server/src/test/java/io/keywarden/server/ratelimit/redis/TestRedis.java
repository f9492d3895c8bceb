package io.keywarden.server.ratelimit.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A Redis server for tests: the system {@code redis-server} when it is on the PATH, else the one
 * embedded-redis ships; on a free port, without persistence, so a restart loses everything.
 */
final class TestRedis implements AutoCloseable {
  private static String shared;

  private final int port;
  private final RedisServer server;

  private TestRedis(int port) throws IOException {
    this.port = port;
    ExecutableProvider exe;
    try {
      exe = ExecutableProvider.newExecutableInPath("redis-server");
    } catch (FileNotFoundException e) {
      exe = ExecutableProvider.newJarResourceProvider();
    }
    this.server = RedisServer.newRedisServer()
        .executableProvider(exe)
        .bind("127.0.0.1")
        .port(port)
        .setting("save \"\"")
        .setting("appendonly no")
        .build();
  }

  /** Starts a server of its own on a free port. */
  static TestRedis start() {
    try (ServerSocket s = new ServerSocket(0)) {
      TestRedis r = new TestRedis(s.getLocalPort());
      s.close();
      r.server.start();
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** KEYWARDEN_TEST_REDIS_URL, or a server started once for the whole run. */
  static synchronized String sharedUrl() {
    if (shared == null) {
      String env = System.getenv("KEYWARDEN_TEST_REDIS_URL");
      if (env != null && !env.isBlank()) {
        shared = env;
      } else {
        TestRedis r = start();
        Runtime.getRuntime().addShutdownHook(new Thread(r::close));
        shared = r.url();
      }
    }
    return shared;
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Stops the server (its data is gone: no persistence). */
  void stop() {
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts it again on the same port, empty. */
  void restart() {
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (server.isActive()) {
      stop();
    }
  }

  /** Sends one command on a fresh connection and waits for the answer. */
  static Response call(Vertx vertx, String url, Command cmd, Object... args) {
    Redis client = Redis.createClient(vertx, url);
    try {
      return await(client.send(Request.cmd(cmd, args)));
    } finally {
      client.close();
    }
  }

  /** Waits for {@code f} from a test thread, at most 10 s. */
  static <T> T await(Future<T> f) {
    try {
      return f.await(10, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("no answer within 10 s", e);
    }
  }
}
