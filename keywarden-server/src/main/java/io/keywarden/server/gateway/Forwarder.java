package io.keywarden.server.gateway;

import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.keys.KeyFormat;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetSocket;
import java.net.ConnectException;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards an allowed request to its upstream and the answer back, streaming both bodies with
 * back-pressure (a body of any size passes in bounded memory), over a keep-alive pool per
 * upstream, HTTP/1.1 to the upstream.
 *
 * <p>Headers: connection-specific ("hop-by-hop") headers and those named in {@code Connection}
 * are dropped both ways (RFC 9110 §7.6.1); the credential (when the route strips it), every
 * incoming header of the identity family (e.g. {@code X-Keywarden-*}), so a client can never
 * forge one, and the method-override headers are dropped; the identity headers of the decision
 * are added; {@code X-Forwarded-For}, {@code -Proto} and {@code -Host} are set, and {@code Host}
 * becomes the upstream's. Incoming names are compared ignoring case and reading {@code _} as
 * {@code -}, as CGI and WSGI upstreams read them, so {@code X_Keywarden_User_Id} or {@code
 * X_Forwarded_For} are dropped like their dashed spellings.
 *
 * <p>A request body whose framing breaks (a malformed chunk, a connection closed before the
 * announced length) resets the upstream request, which is never ended cleanly: the upstream
 * never sees a shorter request as a complete one. The client gets 400 if no answer had started.
 *
 * <p>A forwarder replaced by a reload is {@linkplain #closeWhenIdle retired}: the exchanges it
 * carries (long downloads, server-sent events, WebSocket sessions) finish on it, and its
 * connections close when the last one ends.
 *
 * <p>Failures before the answer's head: connection refused or reset is 502 {@code bad_gateway},
 * a connect or response timeout is 504 {@code gateway_timeout}, in the route's error style. After
 * the head was sent, the only honest signal left is to reset the client's connection.
 */
public final class Forwarder {
  private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

  /** Connection-specific headers, lower case (RFC 9110 §7.6.1, plus the Proxy-* pair). */
  static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
      "trailer", "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization");

  /** Methods that may be sent twice (RFC 9110 §9.2.2). */
  private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
      HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);

  private static final Set<String> SET_BY_GATEWAY = Set.of("host", "x-forwarded-for",
      "x-forwarded-proto", "x-forwarded-host", "forwarded");

  /**
   * Headers by which frameworks let a request claim another method than its own: never forwarded,
   * so the method the key was authorized for is the one the upstream runs.
   */
  static final Set<String> METHOD_OVERRIDES = Set.of("x-http-method-override", "x-method-override",
      "x-http-method");

  /** {@link #HOP_BY_HOP} as a case-insensitive set (a header map used for its keys). */
  private static final MultiMap HOP_BY_HOP_SET = caseInsensitiveSet(HOP_BY_HOP);

  /** Incoming request headers never forwarded: hop-by-hop ones, those the gateway sets, method overrides. */
  private static final MultiMap NOT_FORWARDED = caseInsensitiveSet(HOP_BY_HOP, SET_BY_GATEWAY, METHOD_OVERRIDES);

  @SafeVarargs
  private static MultiMap caseInsensitiveSet(Set<String>... names) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    for (Set<String> set : names) {
      set.forEach(n -> m.add(n, ""));
    }
    return m;
  }

  /**
   * What to change on the way to the upstream.
   *
   * @param forwardedFor the value of {@code X-Forwarded-For} (the client chain the gateway trusts,
   *     ending with the client's address)
   * @param removeHeaders lower-case names of incoming headers not to forward (e.g. the credential)
   * @param identityPrefix lower-case prefix of the identity family, stripped from the request
   * @param addHeaders headers to add (the identity of the decision), name then value, in order
   * @param timeouts the route's timeouts; {@code null} for the upstream's own
   */
  public record Spec(String forwardedFor, Set<String> removeHeaders, String identityPrefix,
      List<Map.Entry<String, String>> addHeaders, Upstream.Timeouts timeouts) {

    /** A spec with the upstream's own timeouts. */
    public Spec(String forwardedFor, Set<String> removeHeaders, String identityPrefix,
        List<Map.Entry<String, String>> addHeaders) {
      this(forwardedFor, removeHeaders, identityPrefix, addHeaders, null);
    }
  }

  private static final io.vertx.core.Handler<Throwable> UPSTREAM_EXCEPTION =
      t -> LOG.debug("upstream request failed: {}", t.toString());

  private final Map<String, HttpClientAgent> clients = new HashMap<>();
  // Exchanges under way, so that a retired forwarder closes only when the last one has ended.
  private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile boolean retiring;
  private final io.vertx.core.Handler<Void> release = v -> release();
  private final Map<String, Upstream> upstreams = new HashMap<>();
  private final Map<String, Target> targets = new HashMap<>();

  /**
   * One upstream, with what every request to it needs computed once: its {@code Host} header,
   * base path, and its keep-alive connections per event loop ({@link Lanes}).
   */
  private static final class Target {
    final Upstream upstream;
    final HttpClientAgent client;
    final String hostHeader;
    final String basePath;
    final HttpConnectOptions connectOptions;
    // A plain ThreadLocal: its entries go with the target when a reload replaces it.
    final ThreadLocal<Lanes> lanes = ThreadLocal.withInitial(Lanes::new);
    final Set<HttpClientConnection> open = ConcurrentHashMap.newKeySet();
    volatile boolean closed;

    Target(Upstream u, HttpClientAgent client) {
      this.upstream = u;
      this.client = client;
      this.hostHeader = u.port() == 80 ? u.baseUrl().getHost() : u.baseUrl().getHost() + ":" + u.port();
      this.basePath = u.basePath();
      this.connectOptions = new HttpConnectOptions().setHost(u.baseUrl().getHost()).setPort(u.port())
          .setConnectTimeout(u.connectTimeout().toMillis());
    }
  }

  /**
   * The keep-alive connections to one upstream owned by one event loop: used by one request at a
   * time, the most recently used first, and touched only by that event loop's thread, so taking
   * and returning one costs no lock and no pool bookkeeping. At most the upstream's pool size are
   * open per event loop; beyond that, requests queue in the Vert.x client's pool.
   */
  private static final class Lanes {
    final ArrayDeque<Lane> idle = new ArrayDeque<>();
    int open;
  }

  /** One connection of {@link Lanes}. */
  private static final class Lane {
    final HttpClientConnection connection;
    boolean closed;

    Lane(HttpClientConnection connection) {
      this.connection = connection;
    }
  }

  public Forwarder(Vertx vertx, List<Upstream> list) {
    for (Upstream u : list) {
      HttpClientOptions options = new HttpClientOptions()
          .setKeepAlive(true)
          .setTcpNoDelay(true)
          .setProtocolVersion(HttpVersion.HTTP_1_1)
          .setConnectTimeout((int) u.connectTimeout().toMillis())
          .setDefaultHost(u.baseUrl().getHost())
          .setDefaultPort(u.port());
      HttpClientAgent client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(u.poolSize()));
      clients.put(u.name(), client);
      upstreams.put(u.name(), u);
      targets.put(u.name(), new Target(u, client));
    }
  }

  /**
   * Forwards {@code in} (paused by the caller before any asynchronous step) to the upstream.
   *
   * @param pathAndQuery the path (and query) to ask the upstream for, appended to its base path
   */
  public void forward(HttpServerRequest in, String upstreamName, String pathAndQuery, Spec spec, ErrorStyle style) {
    Target target = targets.get(upstreamName);
    HttpServerResponse out = in.response();
    if (target == null) {
      in.resume();
      style.write(out, ErrorCode.BAD_GATEWAY, "No upstream named " + upstreamName + " is configured.", "upstream_unknown");
      return;
    }
    Upstream up = target.upstream;
    HttpClientAgent client = target.client;
    inFlight.incrementAndGet();
    RequestOptions options = new RequestOptions()
        .setMethod(in.method())
        .setHost(up.baseUrl().getHost())
        .setPort(up.port())
        .setURI(target.basePath.isEmpty() ? pathAndQuery : target.basePath + pathAndQuery)
        .setConnectTimeout((spec.timeouts() == null ? up.connectTimeout() : spec.timeouts().connect()).toMillis());
    if (isUpgrade(in)) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      requestHeaders(in, spec, target, headers);
      // Upgrade and Connection are hop-by-hop, but a protocol switch needs them end to end.
      headers.set(HttpHeaders.UPGRADE, in.getHeader(HttpHeaders.UPGRADE));
      headers.set(HttpHeaders.CONNECTION, "Upgrade");
      options.setHeaders(headers);
      forwardUpgrade(in, client, options, style, release);
      return;
    }
    if (out.closed()) {
      release(); // the client left (or broke its request) while it was being checked
      return;
    }
    // The response is disposed once: ended, reset or its connection closed.
    out.endHandler(release);
    send(in, target, options, spec, style, false);
  }

  private void release() {
    if (inFlight.decrementAndGet() == 0 && retiring) {
      close();
    }
  }

  /**
   * Retires this forwarder (a reload replaced it): its connections close as soon as no exchange
   * uses it any more, at once if none does. Streams under way (downloads, server-sent events,
   * WebSocket sessions) finish on it.
   */
  public void closeWhenIdle() {
    retiring = true;
    if (inFlight.get() == 0) {
      close();
    }
  }

  /** Exchanges under way on this forwarder, for tests. */
  int inFlight() {
    return inFlight.get();
  }

  /**
   * Sends the request on an idle connection of this event loop (or a new one, or the shared pool
   * when this event loop has {@code pool_size} busy) and relays the answer. A reused connection
   * can turn out to have been closed by the upstream just as it was taken; an idempotent request
   * without a body, which nothing has been read from yet, is then sent once more on a fresh
   * connection, as nginx does, rather than answered with 502.
   */
  private static void send(HttpServerRequest in, Target target, RequestOptions options, Spec spec, ErrorStyle style,
      boolean retry) {
    HttpServerResponse out = in.response();
    Upstream up = target.upstream;
    Lanes lanes = target.lanes.get();
    Lane[] lane = {retry ? null : takeLane(lanes)};
    boolean reused = lane[0] != null;
    Future<HttpClientRequest> request;
    if (reused) {
      request = lane[0].connection.request(options);
    } else if (lanes.open < up.poolSize() && !target.closed) {
      lanes.open++;
      HttpConnectOptions connect = target.connectOptions;
      if (spec.timeouts() != null) {
        connect = new HttpConnectOptions(connect).setConnectTimeout(spec.timeouts().connect().toMillis());
      }
      request = target.client.connect(connect).transform(c -> {
        if (c.failed()) {
          lanes.open--;
          return Future.failedFuture(c.cause());
        }
        lane[0] = openLane(target, lanes, c.result());
        return lane[0].connection.request(options);
      });
    } else {
      request = target.client.request(options);
    }
    boolean hasBody = hasBody(in);
    // Worth a second try on a fresh connection: a stale keep-alive connection, nothing consumed.
    java.util.function.Predicate<Throwable> retryable = t -> reused && !retry && !hasBody
        && IDEMPOTENT.contains(in.method()) && !isTimeout(t) && !out.headWritten() && !out.closed();
    // The connection goes back to its lanes once the request is sent and the answer relayed.
    int[] halves = {0};
    boolean[] reusable = {true};
    boolean[] answered400 = {false};
    // Until the body is piped, a failure of the client's request (its framing broke, it left) is
    // caught here; the pipe takes over the handler once the upstream request exists.
    boolean[] clientFailed = {false};
    if (hasBody) {
      in.exceptionHandler(t -> {
        clientFailed[0] = true;
        answered400[0] = badBody(in, out, style, t);
      });
    }
    Runnable half = () -> {
      if (++halves[0] == 2 && lane[0] != null && reusable[0]) {
        releaseLane(lanes, lane[0]);
      }
    };
    request.onComplete(ar -> {
      if (ar.failed()) {
        if (retryable.test(ar.cause())) {
          send(in, target, options, spec, style, true);
          return;
        }
        resume(in);
        fail(in, out, style, ar.cause());
        return;
      }
      HttpClientRequest req = ar.result();
      if (hasBody && (clientFailed[0] || out.closed())) {
        req.exceptionHandler(UPSTREAM_EXCEPTION);
        req.reset(); // nothing of this request may reach the upstream as if it were whole
        return;
      }
      // The headers are written straight into the request's own map (options' would be copied).
      requestHeaders(in, spec, target, req.headers());
      // Failures are answered through the response future below; this only keeps them out of
      // Vert.x's "unhandled exception" error log.
      req.exceptionHandler(UPSTREAM_EXCEPTION);
      if (hasBody && in.getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
        req.setChunked(true);
      }
      req.response().onComplete(rr -> {
        if (rr.failed()) {
          if (answered400[0]) {
            return;
          }
          if (retryable.test(rr.cause())) {
            LOG.debug("upstream {} closed a reused connection; sending {} {} again on a new one",
                up.name(), in.method(), in.path());
            send(in, target, options, spec, style, true);
            return;
          }
          fail(in, out, style, rr.cause());
          return;
        }
        HttpClientResponse resp = rr.result();
        reusable[0] = resp.version() == HttpVersion.HTTP_1_1
            && !hasToken(resp.getHeader(HttpHeaders.CONNECTION), "close");
        relay(resp, out, req, in.version()).onSuccess(v -> half.run());
      });
      // The upstream's silence is timed from the moment the whole request has been sent, so a
      // long upload is not mistaken for a slow upstream.
      long timeout = (spec.timeouts() == null ? up.responseTimeout() : spec.timeouts().response()).toMillis();
      if (hasBody) {
        // A client gone mid-body (reset, closed, or cut by the listener's body timeout) must not
        // end the upstream request: that would send it as a complete, shorter one.
        in.pipe().endOnFailure(false).to(req).onComplete(p -> {
          if (p.succeeded()) {
            req.idleTimeout(timeout);
            half.run();
            return;
          }
          if (p.cause() instanceof io.vertx.core.http.HttpClosedException || p.cause() instanceof java.io.IOException) {
            LOG.debug("{} {}: client went away mid-body ({}); upstream request aborted", in.method(), in.path(),
                p.cause().toString());
          }
          req.exceptionHandler(UPSTREAM_EXCEPTION);
          req.reset(0, p.cause());
          answered400[0] |= badBody(in, out, style, p.cause());
        });
      } else {
        resume(in);
        req.end().onSuccess(v -> {
          req.idleTimeout(timeout);
          half.run();
        });
      }
    });
  }

  /** Lets the request's body flow (or its end be seen); a request already read to its end is left alone. */
  private static void resume(HttpServerRequest in) {
    if (!in.isEnded()) {
      in.resume();
    }
  }

  /**
   * A protocol switch (WebSocket): the handshake goes to the upstream; if it answers 101, its
   * handshake headers go back to the client and the two connections are spliced byte for byte,
   * each closing the other. Any other answer is relayed as a normal response.
   */
  private static void forwardUpgrade(HttpServerRequest in, HttpClientAgent client, RequestOptions options,
      ErrorStyle style, io.vertx.core.Handler<Void> release) {
    HttpServerResponse out = in.response();
    boolean[] released = {false};
    io.vertx.core.Handler<Void> once = v -> {
      if (!released[0]) {
        released[0] = true;
        release.handle(null);
      }
    };
    client.request(options)
        .compose(req -> req.exceptionHandler(UPSTREAM_EXCEPTION).connect())
        .onComplete(ar -> {
          if (ar.failed()) {
            in.resume();
            fail(in, out, style, ar.cause());
            once.handle(null);
            return;
          }
          HttpClientResponse resp = ar.result();
          if (resp.statusCode() != 101) {
            in.resume();
            out.endHandler(once);
            relay(resp, out, null, in.version());
            return;
          }
          NetSocket upstreamSocket = resp.netSocket();
          upstreamSocket.pause();
          for (Map.Entry<String, String> h : resp.headers()) {
            out.headers().add(h.getKey(), h.getValue());
          }
          // The session lasts until either side closes: that is when the exchange ends.
          upstreamSocket.closeHandler(once);
          in.toNetSocket().onComplete(cs -> {
            if (cs.failed()) {
              upstreamSocket.close();
              return;
            }
            NetSocket clientSocket = cs.result();
            clientSocket.closeHandler(once);
            upstreamSocket.pipeTo(clientSocket);
            clientSocket.pipeTo(upstreamSocket);
            upstreamSocket.resume();
          });
        });
  }

  /**
   * A protocol switch the gateway relays as one: a bodyless HTTP/1.1 GET asking for an upgrade (a
   * WebSocket handshake, RFC 6455 §4.1). Any other request with {@code Upgrade} (a body, another
   * method, HEAD) is forwarded as a plain request, its {@code Upgrade} dropped as hop-by-hop: the
   * switch path sends no body and reads the answer as a tunnel, so such a request would hang.
   */
  private static boolean isUpgrade(HttpServerRequest in) {
    String upgrade = in.getHeader(HttpHeaders.UPGRADE);
    if (upgrade == null || in.version() != HttpVersion.HTTP_1_1 || in.method() != HttpMethod.GET
        || !hasToken(in.getHeader(HttpHeaders.CONNECTION), "upgrade")) {
      return false;
    }
    String length = in.getHeader(HttpHeaders.CONTENT_LENGTH);
    return in.getHeader(HttpHeaders.TRANSFER_ENCODING) == null && (length == null || "0".equals(length));
  }

  private static Future<Void> relay(HttpClientResponse resp, HttpServerResponse out, HttpClientRequest req,
      HttpVersion clientVersion) {
    if (out.closed()) {
      if (req != null) {
        req.reset();
      }
      return Future.failedFuture("the client has gone");
    }
    out.setStatusCode(resp.statusCode());
    String message = resp.statusMessage();
    if (message != null && !message.isEmpty()) {
      out.setStatusMessage(message);
    }
    copyResponseHeaders(resp.headers(), out.headers());
    if (resp.getHeader(HttpHeaders.CONTENT_LENGTH) == null && clientVersion != HttpVersion.HTTP_2) {
      out.setChunked(true);
    }
    return resp.pipeTo(out).onFailure(t -> {
      if (req != null) {
        req.reset();
      }
      if (!out.ended() && !out.closed()) {
        out.reset();
      }
    });
  }

  /** An idle connection of this event loop's lanes, most recently used first; {@code null} if none. */
  private static Lane takeLane(Lanes lanes) {
    Lane l;
    while ((l = lanes.idle.pollFirst()) != null) {
      if (!l.closed) {
        return l;
      }
    }
    return null;
  }

  private static Lane openLane(Target target, Lanes lanes, HttpClientConnection c) {
    Lane lane = new Lane(c);
    target.open.add(c);
    c.exceptionHandler(UPSTREAM_EXCEPTION);
    c.closeHandler(v -> {
      lane.closed = true;
      lanes.open--;
      lanes.idle.remove(lane);
      target.open.remove(c);
    });
    if (target.closed) {
      c.close();
    }
    return lane;
  }

  private static void releaseLane(Lanes lanes, Lane lane) {
    if (!lane.closed) {
      lanes.idle.addFirst(lane);
    }
  }

  /** The headers for the upstream: the incoming ones as they may pass, then the gateway's own. */
  private static void requestHeaders(HttpServerRequest in, Spec spec, Target target, MultiMap headers) {
    copyRequestHeaders(in, spec, headers);
    headers.set(HttpHeaders.HOST, target.hostHeader);
    headers.set(X_FORWARDED_FOR, spec.forwardedFor());
    headers.set(X_FORWARDED_PROTO, in.isSSL() ? HTTPS : HTTP);
    String host = in.getHeader(HttpHeaders.HOST);
    if (host == null && in.authority() != null) {
      host = in.authority().toString();
    }
    if (host != null) {
      headers.set(X_FORWARDED_HOST, host);
    }
    for (Map.Entry<String, String> h : spec.addHeaders()) {
      headers.add(h.getKey(), h.getValue());
    }
  }

  private static final CharSequence X_FORWARDED_FOR = HttpHeaders.createOptimized("X-Forwarded-For");
  private static final CharSequence X_FORWARDED_PROTO = HttpHeaders.createOptimized("X-Forwarded-Proto");
  private static final CharSequence X_FORWARDED_HOST = HttpHeaders.createOptimized("X-Forwarded-Host");
  private static final CharSequence HTTP = HttpHeaders.createOptimized("http");
  private static final CharSequence HTTPS = HttpHeaders.createOptimized("https");

  /**
   * Copies the incoming headers in bulk, then removes the few that must not pass: hop-by-hop,
   * those named in {@code Connection}, those the gateway sets itself, the credential, and the
   * identity family (matched without allocating).
   */
  private static void copyRequestHeaders(HttpServerRequest in, Spec spec, MultiMap target) {
    MultiMap headers = in.headers();
    String prefix = spec.identityPrefix();
    Set<String> credential = spec.removeHeaders();
    for (Map.Entry<String, String> h : headers) {
      String name = h.getKey();
      if (name.startsWith(":") || (prefix != null && IdentityHeaders.isIdentityName(name, prefix))) {
        continue;
      }
      // CGI/WSGI read '_' as '-': compare the name as such an upstream will (rare: allocates).
      String read = name.indexOf('_') < 0 ? name : name.replace('_', '-');
      if (NOT_FORWARDED.contains(read) || (!credential.isEmpty() && containsIgnoreCase(credential, read))) {
        continue;
      }
      if (carriesKey(h.getValue())) {
        continue; // a key presented where this route does not read one: never forwarded
      }
      target.add(name, h.getValue());
    }
    String connection = headers.get(HttpHeaders.CONNECTION);
    if (connection != null) {
      removeNamedIn(connection, target);
    }
  }

  /**
   * Whether a header value's last token (after the last space or tab: the whole value, or the
   * credentials after an auth scheme such as {@code Bearer}) passes Keywarden's key grammar and
   * checksum. No allocation; a value too short to hold a key costs one comparison.
   */
  static boolean carriesKey(String value) {
    int end = value.length();
    if (end < 2 + KeyFormat.BODY_LENGTH) {
      return false;
    }
    while (end > 0 && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
      end--;
    }
    int start = end;
    while (start > 0 && value.charAt(start - 1) != ' ' && value.charAt(start - 1) != '\t') {
      start--;
      if (end - start > KeyFormat.MAX_KEY_LENGTH) {
        return false;
      }
    }
    return KeyFormat.check(value, start, end) == KeyFormat.OK;
  }

  private static boolean containsIgnoreCase(Set<String> lowerCase, String name) {
    for (String s : lowerCase) {
      if (s.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /** Copies an upstream answer's headers but the hop-by-hop ones and those its Connection names. */
  private static void copyResponseHeaders(MultiMap from, MultiMap target) {
    for (Map.Entry<String, String> h : from) {
      if (!HOP_BY_HOP_SET.contains(h.getKey())) {
        target.add(h.getKey(), h.getValue());
      }
    }
    String connection = from.get(HttpHeaders.CONNECTION);
    if (connection != null) {
      removeNamedIn(connection, target);
    }
  }

  /** Whether the comma-separated {@code header} holds {@code token} (case-insensitive), without allocating. */
  static boolean hasToken(String header, String token) {
    if (header == null) {
      return false;
    }
    int n = header.length();
    int i = 0;
    while (i < n) {
      int end = header.indexOf(',', i);
      if (end < 0) {
        end = n;
      }
      int a = i;
      int b = end;
      while (a < b && header.charAt(a) == ' ') {
        a++;
      }
      while (b > a && header.charAt(b - 1) == ' ') {
        b--;
      }
      if (b - a == token.length() && header.regionMatches(true, a, token, 0, b - a)) {
        return true;
      }
      i = end + 1;
    }
    return false;
  }

  /**
   * Removes from {@code target} the headers that {@code connection} names; the usual values
   * ({@code keep-alive}, {@code close}, {@code upgrade}) name only hop-by-hop headers that are
   * removed anyway, and are passed over without allocating.
   */
  private static void removeNamedIn(String connection, MultiMap target) {
    if (connection.equalsIgnoreCase("keep-alive") || connection.equalsIgnoreCase("close")) {
      return;
    }
    for (String token : connectionTokens(connection)) {
      if (!HOP_BY_HOP.contains(token)) {
        target.remove(token);
      }
    }
  }

  private static Set<String> connectionTokens(String connection) {
    if (connection == null || connection.isEmpty()) {
      return Set.of();
    }
    Set<String> tokens = new HashSet<>();
    for (String t : connection.split(",")) {
      String s = t.trim().toLowerCase(Locale.ROOT);
      if (!s.isEmpty()) {
        tokens.add(s);
      }
    }
    return tokens;
  }

  private static boolean hasBody(HttpServerRequest in) {
    if (in.method() == HttpMethod.GET || in.method() == HttpMethod.HEAD) {
      String cl = in.getHeader(HttpHeaders.CONTENT_LENGTH);
      return (cl != null && !cl.equals("0")) || in.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    }
    String cl = in.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (cl != null) {
      return !cl.equals("0");
    }
    return in.getHeader(HttpHeaders.TRANSFER_ENCODING) != null || in.version() == HttpVersion.HTTP_2;
  }

  private static void fail(HttpServerRequest in, HttpServerResponse out, ErrorStyle style, Throwable t) {
    if (out.headWritten()) {
      if (!out.closed()) {
        out.reset();
      }
      return;
    }
    if (isTimeout(t)) {
      style.write(out, ErrorCode.GATEWAY_TIMEOUT, "The upstream service did not answer in time.", "upstream_timeout");
    } else {
      LOG.debug("upstream failed for {} {}: {}", in.method(), in.path(), t.toString());
      style.write(out, ErrorCode.BAD_GATEWAY, "The upstream service could not be reached.", "upstream_unreachable");
    }
  }

  /** Answers 400 when {@code t} is the client's framing breaking and no answer has started; whether it did. */
  private static boolean badBody(HttpServerRequest in, HttpServerResponse out, ErrorStyle style, Throwable t) {
    if (!isFramingError(t) || out.headWritten() || out.closed()) {
      return false;
    }
    LOG.debug("request body of {} {} is malformed: {}", in.method(), in.path(), t.toString());
    style.write(out, ErrorCode.INVALID_REQUEST, "The request body is malformed or incomplete.", "bad_request_body");
    return true;
  }

  /** Whether {@code t} is the client's body framing breaking (a decoder's failure), not the upstream's. */
  static boolean isFramingError(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof io.netty.handler.codec.DecoderException || c instanceof NumberFormatException
          || c instanceof io.netty.handler.codec.PrematureChannelClosureException) {
        return true;
      }
    }
    return false;
  }

  static boolean isTimeout(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof TimeoutException || c instanceof io.netty.channel.ConnectTimeoutException) {
        return true;
      }
      if (c instanceof ConnectException) {
        return false;
      }
    }
    return false;
  }

  /** Closes the connection pools (once), whatever is under way. */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (Target t : targets.values()) {
      t.closed = true;
      t.open.forEach(HttpClientConnection::close);
    }
    clients.values().forEach(HttpClientAgent::close);
  }
}
