package io.keywarden.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 100 MB upload and a 100 MB download through a real Keywarden gateway that runs in a child JVM
 * with a 48 MB heap and 32 MB of direct memory ({@link BoundedHeapGatewayMain}), with a key
 * checked on each request: the bodies pass only if the gateway streams them. A gateway that
 * buffered a whole body would die of {@code OutOfMemoryError} (the child exits on it).
 */
class GatewayBoundedMemoryTest {
  static final long HUNDRED_MB = 100L * 1024 * 1024;
  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  @TempDir static Path dir;
  static Vertx vertx;
  static HttpServer upstream;
  static final AtomicLong uploaded = new AtomicLong();
  static Process child;
  static int gatewayPort;
  static String key;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/download")) {
        var resp = req.response().setChunked(true).putHeader("Content-Type", "application/octet-stream");
        Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
        long[] left = {HUNDRED_MB / chunk.length()};
        Runnable[] pump = new Runnable[1];
        pump[0] = () -> {
          while (left[0] > 0 && !resp.writeQueueFull()) {
            resp.write(chunk);
            left[0]--;
          }
          if (left[0] == 0) {
            left[0] = -1;
            resp.drainHandler(null);
            resp.end();
          }
        };
        resp.drainHandler(v -> pump[0].run());
        pump[0].run();
        return;
      }
      AtomicLong bytes = new AtomicLong();
      req.handler(b -> bytes.addAndGet(b.length()));
      req.endHandler(v -> {
        uploaded.set(bytes.get());
        req.response().end(Long.toString(bytes.get()));
      });
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    Path config = dir.resolve("keywarden.yaml");
    Files.writeString(config, """
        gateway:
          upstreams:
            default: {url: "http://127.0.0.1:%d"}
          routes:
            - {path: /upload, methods: [POST], scopes: [read]}
            - {path: /download, methods: [GET], scopes: [read]}
        """.formatted(upstream.actualPort()));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx48m", "-XX:MaxDirectMemorySize=32m",
        "-XX:+ExitOnOutOfMemoryError", "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), BoundedHeapGatewayMain.class.getName(),
        config.toString(), dir.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectOutput(dir.resolve("child.out").toFile()).redirectError(dir.resolve("child.err").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("KEYWARDEN_"));
    child = pb.start();
    Path ready = dir.resolve("ready");
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (!Files.exists(ready)) {
      assertThat(child.isAlive()).as("the child exited early: %s", childErr()).isTrue();
      assertThat(System.nanoTime()).as("the child was not ready in time: %s", childErr()).isLessThan(deadline);
      child.waitFor(100, TimeUnit.MILLISECONDS);
    }
    List<String> lines = Files.readAllLines(ready);
    gatewayPort = Integer.parseInt(lines.get(0));
    key = lines.get(1);
  }

  static String childErr() {
    try {
      return Files.readString(dir.resolve("child.err"));
    } catch (Exception e) {
      return e.toString();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (child != null) {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static HttpRequest.Builder to(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + path))
        .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(120));
  }

  @Test
  void aHundredMegabyteUploadPassesAGatewayWithA48MegabyteHeap() throws Exception {
    var body = HttpRequest.BodyPublishers.ofInputStream(() -> new InputStream() {
      long left = HUNDRED_MB;

      @Override
      public int read() {
        return left-- > 0 ? 7 : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left <= 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        left -= n;
        return n;
      }
    });
    var r = http.send(to("/upload").header("Content-Type", "application/octet-stream").POST(body).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(Long.toString(HUNDRED_MB));
    assertThat(uploaded.get()).isEqualTo(HUNDRED_MB);
    assertThat(child.isAlive()).as(childErr()).isTrue();
  }

  @Test
  void aHundredMegabyteDownloadPassesAGatewayWithA48MegabyteHeap() throws Exception {
    var r = http.send(to("/download").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    long total = 0;
    try (InputStream in = r.body()) {
      byte[] buf = new byte[256 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
      }
    }
    assertThat(total).isEqualTo(HUNDRED_MB);
    assertThat(child.isAlive()).as(childErr()).isTrue();
  }
}
