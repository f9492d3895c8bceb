package io.keywarden.server.testing;

import io.keywarden.testkit.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keywarden.server.KeywardenServer;
import io.keywarden.server.config.KeywardenConfig;
import io.keywarden.server.config.ServerSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real Keywarden node on a random port with SQLite in a temporary directory, its first admin
 * key read from the admin key file, and a small HTTP client for tests. Time comes from a {@link
 * MutableClock} the test can move.
 */
public final class ServerHarness implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  public final MutableClock clock = MutableClock.atFixedStart();
  public final KeywardenServer server;
  public final String adminKey;
  public final Path dataDir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public ServerHarness(Path dir) {
    this(dir, KeywardenConfig.defaults());
  }

  public ServerHarness(Path dir, KeywardenConfig base) {
    this.dataDir = dir.resolve("data");
    Path keyFile = dir.resolve("admin.key");
    KeywardenConfig cfg = base
        .withServer(new ServerSettings("127.0.0.1", 0, 0, base.server().maxBodyBytes(), Duration.ofSeconds(2), 1,
            base.server().timeouts(), base.server().tls(), base.server().showSuspensionReason()))
        .withDataDir(dataDir)
        .withAdminKeyFile(keyFile);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    this.server = KeywardenServer.start(cfg, clock, quiet);
    try {
      // A second node on a shared database finds an operator already there and writes no key.
      this.adminKey = Files.exists(keyFile) ? Files.readString(keyFile).trim() : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.apiPort();
  }

  /** Starts a request to {@code path} on the API port. */
  public Call call(String method, String path) {
    return new Call(method, path);
  }

  public Call get(String path) {
    return call("GET", path).auth(adminKey);
  }

  public Call post(String path, String json) {
    return call("POST", path).auth(adminKey).json(json);
  }

  public Call patch(String path, String json) {
    return call("PATCH", path).auth(adminKey).json(json);
  }

  public Call put(String path, String json) {
    return call("PUT", path).auth(adminKey).json(json);
  }

  public Call delete(String path) {
    return call("DELETE", path).auth(adminKey);
  }

  /** A request being built; {@link #send()} performs it. */
  public final class Call {
    private final String method;
    private final String path;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body;

    private Call(String method, String path) {
      this.method = method;
      this.path = path;
    }

    /** Sets {@code Authorization: Bearer key}; {@code null} removes it. */
    public Call auth(String key) {
      if (key == null) {
        headers.remove("Authorization");
      } else {
        headers.put("Authorization", "Bearer " + key);
      }
      return this;
    }

    public Call header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    public Call json(String json) {
      headers.put("Content-Type", "application/json");
      body = json.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    public Call body(String contentType, byte[] bytes) {
      if (contentType == null) {
        headers.remove("Content-Type");
      } else {
        headers.put("Content-Type", contentType);
      }
      body = bytes;
      return this;
    }

    public Reply send() {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path))
          .timeout(Duration.ofSeconds(30))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach(b::header);
      try {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** A response with its JSON body parsed (when it is JSON). */
  public static final class Reply {
    public final HttpResponse<String> raw;
    public final JsonNode json;

    Reply(HttpResponse<String> raw) {
      this.raw = raw;
      JsonNode j = null;
      String ct = raw.headers().firstValue("Content-Type").orElse("");
      if (ct.startsWith("application/json") || ct.startsWith("application/problem+json")) {
        try {
          j = JSON.readTree(raw.body());
        } catch (IOException e) {
          throw new UncheckedIOException("response is not JSON: " + raw.body(), e);
        }
      }
      this.json = j;
    }

    public int status() {
      return raw.statusCode();
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    /** {@code data} of a success envelope. */
    public JsonNode data() {
      return json.get("data");
    }

    /** {@code error.code} of a failure envelope. */
    public String errorCode() {
      return json.path("error").path("code").asText(null);
    }

    /** {@code error.field} of a failure envelope. */
    public String errorField() {
      return json.path("error").path("field").asText(null);
    }

    /** {@code error.reason} of a credential failure. */
    public String reason() {
      return json.path("error").path("reason").asText(null);
    }

    @Override
    public String toString() {
      return raw.statusCode() + " " + raw.body();
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
