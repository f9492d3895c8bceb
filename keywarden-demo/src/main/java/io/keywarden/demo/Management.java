package io.keywarden.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A small client of Keywarden's management API ({@code /v1} on the API port), as the demo uses
 * it to create tenants and keys: every call goes through the real API with an operator key.
 */
public final class Management {
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String operatorKey;

  /** A client of the API at {@code base} ({@code http://host:port}). */
  public Management(String base, String operatorKey) {
    this.base = base;
    this.operatorKey = operatorKey;
  }

  /** Creates a workspace on a plan; returns its id. */
  public String workspace(String name, String plan) {
    return send("POST", "/v1/workspaces", obj("name", name, "plan", plan)).get("id").asText();
  }

  /** Moves a workspace to another plan. */
  public void plan(String workspaceId, String plan) {
    send("PATCH", "/v1/workspaces/" + workspaceId, obj("plan", plan));
  }

  /** Creates a project; returns its id. */
  public String project(String workspaceId, String name) {
    return send("POST", "/v1/workspaces/" + workspaceId + "/projects", obj("name", name)).get("id").asText();
  }

  /** Creates a user; returns its id. */
  public String user(String email, String name) {
    return send("POST", "/v1/users", obj("email", email, "name", name)).get("id").asText();
  }

  /** Adds a member with a role and, when not null, a default project. */
  public void member(String workspaceId, String userId, String role, String defaultProjectId) {
    ObjectNode body = obj("role", role);
    if (defaultProjectId != null) {
      body.put("default_project_id", defaultProjectId);
    }
    send("PUT", "/v1/workspaces/" + workspaceId + "/members/" + userId, body);
  }

  /** Removes a member. */
  public void removeMember(String workspaceId, String userId) {
    send("DELETE", "/v1/workspaces/" + workspaceId + "/members/" + userId, null);
  }

  /** Creates a key from the fields of {@code POST /v1/keys}; returns it with its secret. */
  public Key key(Map<String, ?> fields) {
    JsonNode d = send("POST", "/v1/keys", JSON.valueToTree(fields));
    return new Key(d.get("id").asText(), d.get("secret").asText(), d);
  }

  /** Revokes a key. */
  public void revoke(String keyId) {
    send("DELETE", "/v1/keys/" + keyId, null);
  }

  /** Rotates a key; returns the successor with its secret. */
  public Key rotate(String keyId, long graceSeconds) {
    JsonNode d = send("POST", "/v1/keys/" + keyId + "/rotate", obj("grace_seconds", graceSeconds));
    return new Key(d.get("id").asText(), d.get("secret").asText(), d);
  }

  /** Reads a key (never with its secret). */
  public JsonNode readKey(String keyId) {
    return send("GET", "/v1/keys/" + keyId, null);
  }

  /** A key as created: its id, its secret (shown once) and the API's view of it. */
  public record Key(String id, String secret, JsonNode view) {
    @Override
    public String toString() {
      return "Key[" + id + "]";
    }
  }

  private static ObjectNode obj(Object... kv) {
    ObjectNode o = JSON.createObjectNode();
    for (int i = 0; i < kv.length; i += 2) {
      o.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
    }
    return o;
  }

  /** Sends a request; returns {@code data}; a failure is an exception with the API's answer. */
  public JsonNode send(String method, String path, JsonNode body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + operatorKey);
    if (body != null) {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 300) {
        throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
      }
      if (r.body().isEmpty()) {
        return JSON.createObjectNode();
      }
      JsonNode tree = JSON.readTree(r.body());
      return tree.has("data") ? tree.get("data") : tree;
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Convenience for key fields. */
  static Map<String, Object> fields(Object... kv) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static List<String> list(String... s) {
    return List.of(s);
  }
}
