package io.keywarden.server.cluster;

import io.keywarden.core.keys.KeyHash;
import io.keywarden.store.StoreListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries store changes between the nodes of a cluster over one Redis channel. Registered as a
 * store listener, it publishes every change this node commits; it subscribes to the channel and
 * replays the changes other nodes publish into {@code local} (the key cache and the rate limits'
 * workspace cache), so a key revoked on one node is refused by every node on its next request.
 *
 * <p>A message is {@code node|kind|arg|arg}; ids and key hashes only (an HMAC, as in the
 * database), never a key. A node ignores its own messages (its caches already heard the change).
 * When the subscription drops, the bus reconnects with backoff and, once subscribed again, clears
 * every local cache: changes published meanwhile were missed, and a cold cache is always correct.
 */
public final class InvalidationBus implements StoreListener, AutoCloseable {
  /** The channel every node publishes to and listens on. */
  public static final String CHANNEL = "kw:invalidate";
  private static final Logger LOG = LoggerFactory.getLogger(InvalidationBus.class);

  private final Vertx vertx;
  private final String nodeId;
  private final List<StoreListener> local;
  private final Runnable clearAll;
  private final Redis publisher;
  private final RedisOptions options;
  private final AtomicLong received = new AtomicLong();
  private final java.util.concurrent.ConcurrentLinkedQueue<Waiter> waiters = new java.util.concurrent.ConcurrentLinkedQueue<>();

  private record Waiter(long count, java.util.concurrent.CompletableFuture<Void> done) {}
  private volatile RedisConnection subscription;
  private volatile boolean closed;
  private volatile boolean subscribed;
  private long backoffMs = 50;
  private final java.util.concurrent.CompletableFuture<Void> firstSubscription = new java.util.concurrent.CompletableFuture<>();

  /**
   * @param local the caches to replay other nodes' changes into
   * @param clearAll drops every local cache (after a lost subscription)
   */
  public InvalidationBus(Vertx vertx, String redisUrl, String nodeId, List<StoreListener> local, Runnable clearAll) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.local = List.copyOf(local);
    this.clearAll = Objects.requireNonNull(clearAll, "clearAll");
    this.options = new RedisOptions().setConnectionString(redisUrl).setMaxPoolSize(4).setMaxPoolWaiting(1024);
    this.publisher = Redis.createClient(vertx, options);
    subscribe(false);
  }

  /** Whether the subscription is up. */
  public boolean subscribed() {
    return subscribed;
  }

  /** Completes when the channel is first subscribed: from then on no change of another node is missed. */
  public java.util.concurrent.CompletableFuture<Void> whenSubscribed() {
    return firstSubscription;
  }

  /** Messages from other nodes applied so far. */
  public long received() {
    return received.get();
  }

  /** Completes once {@code count} messages from other nodes have been applied (for tests and tools). */
  public java.util.concurrent.CompletableFuture<Void> whenReceived(long count) {
    var f = new java.util.concurrent.CompletableFuture<Void>();
    waiters.add(new Waiter(count, f));
    wake();
    return f;
  }

  private void wake() {
    long n = received.get();
    for (Waiter w : waiters) {
      if (w.count() <= n && waiters.remove(w)) {
        w.done().complete(null);
      }
    }
  }

  private void subscribe(boolean afterLoss) {
    if (closed) {
      return;
    }
    Redis.createClient(vertx, options).connect().compose(conn -> {
      subscription = conn;
      conn.handler(this::onMessage);
      conn.exceptionHandler(e -> lost(conn, e));
      conn.endHandler(v -> lost(conn, null));
      return conn.send(Request.cmd(Command.SUBSCRIBE).arg(CHANNEL)).map(conn);
    }).onSuccess(conn -> {
      subscribed = true;
      backoffMs = 50;
      firstSubscription.complete(null);
      if (afterLoss) {
        clearAll.run();
        LOG.info("cluster invalidation channel subscribed again; local caches cleared");
      }
    }).onFailure(e -> {
      subscribed = false;
      if (!closed) {
        LOG.debug("cluster invalidation channel not reachable: {}", e.toString());
        retry();
      }
    });
  }

  private void lost(RedisConnection conn, Throwable e) {
    if (conn != subscription || closed) {
      return;
    }
    subscription = null;
    if (subscribed) {
      LOG.warn("cluster invalidation channel lost{}; reconnecting", e == null ? "" : " (" + e + ")");
    }
    subscribed = false;
    retry();
  }

  private void retry() {
    long delay = backoffMs;
    backoffMs = Math.min(2000, backoffMs * 2);
    vertx.setTimer(delay, t -> subscribe(true));
  }

  private void onMessage(Response r) {
    // Push messages: ["message", channel, payload]
    if (r == null || r.type() != ResponseType.PUSH && r.type() != ResponseType.MULTI || r.size() < 3
        || !"message".equals(r.get(0).toString())) {
      return;
    }
    String payload = r.get(2).toString();
    String[] f = payload.split("\\|", -1);
    if (f.length < 2 || f[0].equals(nodeId)) {
      return;
    }
    try {
      for (StoreListener l : local) {
        switch (f[1]) {
          case "key" -> l.keyChanged(empty(f[2]), f[3].isEmpty() ? null : KeyHash.fromHex(f[3]));
          case "user" -> l.userChanged(f[2]);
          case "membership" -> l.membershipChanged(f[2], f[3]);
          case "project" -> l.projectChanged(f[2]);
          case "workspace" -> l.workspaceChanged(f[2]);
          case "plans" -> l.plansChanged();
          case "all" -> clearAll.run();
          default -> LOG.debug("unknown cluster event kind {}", f[1]);
        }
      }
      received.incrementAndGet();
    } catch (RuntimeException e) {
      // A malformed message must not leave stale entries behind: drop everything.
      LOG.warn("unreadable cluster event; clearing local caches: {}", e.toString());
      clearAll.run();
    }
    wake();
  }

  private static String empty(String s) {
    return s.isEmpty() ? null : s;
  }

  private void publish(String kind, String a, String b) {
    if (closed) {
      return;
    }
    String msg = nodeId + "|" + kind + "|" + (a == null ? "" : a) + "|" + (b == null ? "" : b);
    Future<Response> f = publisher.send(Request.cmd(Command.PUBLISH).arg(CHANNEL).arg(msg));
    f.onFailure(e -> LOG.warn("cluster event {} not published: {}", kind, e.toString()));
  }

  @Override
  public void keyChanged(String keyId, KeyHash hash) {
    publish("key", keyId, hash == null ? null : hash.toHex());
  }

  @Override
  public void userChanged(String userId) {
    publish("user", userId, null);
  }

  @Override
  public void membershipChanged(String workspaceId, String userId) {
    publish("membership", workspaceId, userId);
  }

  @Override
  public void projectChanged(String projectId) {
    publish("project", projectId, null);
  }

  @Override
  public void workspaceChanged(String workspaceId) {
    publish("workspace", workspaceId, null);
  }

  @Override
  public void plansChanged() {
    publish("plans", null, null);
  }

  @Override
  public void close() {
    closed = true;
    RedisConnection c = subscription;
    if (c != null) {
      c.close();
    }
    publisher.close();
  }
}
