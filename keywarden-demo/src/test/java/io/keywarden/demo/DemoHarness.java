package io.keywarden.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keywarden.testkit.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A running demo of one system for conformance tests: Keywarden on random ports with SQLite in a
 * temporary directory and time from a {@link MutableClock}, the system's demo upstream, the
 * tenants and keys of its demo, and a small HTTP client for the gateway.
 */
final class DemoHarness implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final MutableClock clock = MutableClock.atFixedStart();
  final Demo demo;
  final World world;
  final Management api;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  DemoHarness(DemoSystem system, Path dir) {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    this.demo = Demo.start(system, new Demo.Options(dir.resolve("data"), 0, 0, "127.0.0.1", dir.resolve("admin.key")),
        clock, quiet);
    this.world = demo.world();
    try {
      this.api = new Management(demo.apiUrl(), java.nio.file.Files.readString(dir.resolve("admin.key")).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Call get(String path) {
    return new Call("GET", path);
  }

  Call call(String method, String path) {
    return new Call(method, path);
  }

  /** A gateway request being built. */
  final class Call {
    private final String method;
    private final String path;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body;

    Call(String method, String path) {
      this.method = method;
      this.path = path;
    }

    Call key(String secret) {
      headers.put("Authorization", "Bearer " + secret);
      return this;
    }

    Call as(String keyName) {
      return key(world.secret(keyName));
    }

    Call header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    Call json(String json) {
      headers.put("Content-Type", "application/json");
      body = json.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    Call body(String contentType, String text) {
      headers.put("Content-Type", contentType);
      body = text.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    Reply send() {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(demo.gatewayUrl() + path))
          .timeout(Duration.ofSeconds(30))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach(b::header);
      try {
        return new Reply(http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    int status() {
      return send().status();
    }
  }

  /** An answer, its body parsed when it is JSON. */
  static final class Reply {
    final HttpResponse<String> raw;
    final JsonNode json;

    Reply(HttpResponse<String> raw) {
      this.raw = raw;
      JsonNode j = null;
      if (contentType().startsWith("application/json")) {
        try {
          j = JSON.readTree(raw.body());
        } catch (IOException e) {
          throw new UncheckedIOException("not JSON: " + raw.body(), e);
        }
      }
      this.json = j;
    }

    int status() {
      return raw.statusCode();
    }

    String body() {
      return raw.body();
    }

    String contentType() {
      return raw.headers().firstValue("Content-Type").orElse("");
    }

    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    JsonNode data() {
      return json.get("data");
    }

    String errorCode() {
      return json.path("error").path("code").asText(null);
    }

    String reason() {
      return json.path("error").path("reason").asText(null);
    }

    @Override
    public String toString() {
      return raw.statusCode() + " " + raw.headers().map() + " " + raw.body();
    }
  }

  @Override
  public void close() {
    demo.close();
  }
}
