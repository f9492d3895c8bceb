package io.keywarden.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One command of a walkthrough: what it shows, the status it gets, and a ready-to-paste curl
 * line. A rate-limit step repeats the request {@code repeatBefore} times first (quietly), so the
 * last, shown request is the one refused.
 *
 * @param title what it shows
 * @param expectedStatus the HTTP status the last request gets
 * @param method the HTTP method
 * @param url the full URL
 * @param headers request headers, in order
 * @param body a request body, or {@code null}
 * @param repeatBefore how many times the request is sent quietly first
 */
public record Step(String title, int expectedStatus, String method, String url, Map<String, String> headers,
    String body, int repeatBefore) {

  /** Starts a step. */
  public static Builder of(int expectedStatus, String title) {
    return new Builder(expectedStatus, title);
  }

  /** The curl command line (single-quoted arguments; no secret is hidden: this is a demo). */
  public String curl() {
    String one = curlOnce(false);
    if (repeatBefore <= 0) {
      return one;
    }
    return "for i in $(seq " + repeatBefore + "); do " + curlOnce(true) + "; done; " + one;
  }

  private String curlOnce(boolean quiet) {
    List<String> parts = new ArrayList<>();
    parts.add("curl -s");
    parts.add(quiet ? "-o /dev/null" : "-i");
    if (!method.equals("GET") || body != null) {
      parts.add("-X " + method);
    }
    parts.add(q(url));
    headers.forEach((k, v) -> parts.add("-H " + q(k + ": " + v)));
    if (body != null) {
      parts.add("-d " + q(body));
    }
    return String.join(" ", parts);
  }

  private static String q(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** Builds a {@link Step}. */
  public static final class Builder {
    private final int status;
    private final String title;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String method = "GET";
    private String url;
    private String body;
    private int repeat;

    private Builder(int status, String title) {
      this.status = status;
      this.title = title;
    }

    public Builder get(String url) {
      this.method = "GET";
      this.url = url;
      return this;
    }

    public Builder call(String method, String url) {
      this.method = method;
      this.url = url;
      return this;
    }

    public Builder key(String key) {
      headers.put("Authorization", "Bearer " + key);
      return this;
    }

    public Builder header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    public Builder json(String json) {
      headers.put("Content-Type", "application/json");
      this.body = json;
      return this;
    }

    public Builder body(String contentType, String text) {
      headers.put("Content-Type", contentType);
      this.body = text;
      return this;
    }

    public Builder repeatBefore(int n) {
      this.repeat = n;
      return this;
    }

    public Step build() {
      return new Step(title, status, method, url, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers)), body, repeat);
    }
  }
}
