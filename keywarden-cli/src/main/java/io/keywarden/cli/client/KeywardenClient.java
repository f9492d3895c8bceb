package io.keywarden.cli.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keywarden.core.keys.KeyFormat;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Predicate;

/**
 * Calls Keywarden's management API with one operator key. Each call returns the answer when its
 * status is 2xx and throws otherwise: {@link ApiException} when the server answered with an error
 * (its {@code code}, {@code message}, {@code field}), {@link ConnectionException} when there was no
 * usable answer. Thread-safe.
 */
public final class KeywardenClient {
  /** Largest page the API gives. */
  public static final int MAX_PAGE = 100;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final URI base;
  private final String authorization;
  private final String userAgent;
  private final HttpClient http;

  public KeywardenClient(Connection connection, String version) {
    this.base = connection.url();
    this.authorization = "Bearer " + connection.token();
    this.userAgent = "keywarden-cli/" + version;
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  /** A 2xx answer: its status, its body as received and the body parsed. */
  public record Answer(int status, String body, JsonNode json) {
    /** The answer's {@code data}. */
    public JsonNode data() {
      return json.path("data");
    }
  }

  /** {@code GET path?query}; {@code null} query values are left out. */
  public Answer get(String path, Map<String, String> query) {
    return send("GET", path + queryString(query), null);
  }

  /** A call with an optional JSON body. */
  public Answer send(String method, String path, JsonNode body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(REQUEST_TIMEOUT)
        .header("Authorization", authorization)
        .header("Accept", "application/json")
        .header("User-Agent", userAgent);
    if (body != null) {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new ConnectionException("no answer from " + base + " within the time limit", e);
    } catch (IOException e) {
      throw new ConnectionException("cannot reach Keywarden at " + base + ": " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectionException("interrupted while calling " + base, e);
    }
    JsonNode json = parse(r.body());
    if (r.statusCode() >= 400) {
      JsonNode err = json == null ? null : json.get("error");
      if (err == null || !err.isObject()) {
        throw new ApiException(r.statusCode(), "http_" + r.statusCode(),
            "HTTP " + r.statusCode() + " from " + base + path + ", not a Keywarden error (is this Keywarden's API port?)",
            null, null);
      }
      throw new ApiException(r.statusCode(), err.path("code").asText("http_" + r.statusCode()),
          KeyFormat.redact(err.path("message").asText("")), text(err, "field"), text(err, "reason"));
    }
    if (r.statusCode() == 204) {
      return new Answer(204, "", JSON.createObjectNode());
    }
    if (json == null || !json.isObject()) {
      throw new ConnectionException("the answer from " + base + path + " is not Keywarden's JSON"
          + " (is this Keywarden's API port?)", null);
    }
    return new Answer(r.statusCode(), r.body(), json);
  }

  /**
   * Follows a list's cursors: gives each page to {@code page}, newest first, and asks for the
   * next one while there is one and {@code page} returns {@code true}.
   *
   * @param limit items per page, 1 to {@value #MAX_PAGE}
   */
  public void pages(String path, Map<String, String> query, int limit, Predicate<Answer> page) {
    Map<String, String> q = new LinkedHashMap<>(query);
    q.put("limit", Integer.toString(limit));
    while (true) {
      Answer a = get(path, q);
      if (!page.test(a)) {
        return;
      }
      JsonNode p = a.json().path("pagination");
      if (!p.path("has_more").asBoolean(false) || !p.hasNonNull("next_cursor")) {
        return;
      }
      q.put("cursor", p.get("next_cursor").asText());
      q.remove("before");
    }
  }

  /** {@code /segment/segment…} with each segment percent-encoded. */
  public static String path(String... segments) {
    StringBuilder b = new StringBuilder();
    for (String s : segments) {
      b.append('/').append(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return b.toString();
  }

  private static String queryString(Map<String, String> query) {
    StringJoiner j = new StringJoiner("&", "?", "").setEmptyValue("");
    query.forEach((k, v) -> {
      if (v != null) {
        j.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
      }
    });
    return j.toString();
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isEmpty()) {
      return null;
    }
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static String text(JsonNode node, String field) {
    return node.hasNonNull(field) ? node.get(field).asText() : null;
  }

  private static String describe(IOException e) {
    if (e instanceof java.net.ConnectException) {
      return "connection refused";
    }
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
