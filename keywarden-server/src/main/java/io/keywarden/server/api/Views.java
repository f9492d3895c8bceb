package io.keywarden.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keywarden.core.decision.Decision;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.tenancy.Membership;
import io.keywarden.core.tenancy.Project;
import io.keywarden.core.tenancy.User;
import io.keywarden.core.tenancy.Workspace;
import io.keywarden.server.http.Json;
import io.keywarden.store.AuditEvent;
import java.time.Instant;

/** The wire form of every object the API returns: snake_case fields, RFC 3339 UTC times, typed ids. */
final class Views {
  private Views() {}

  static ObjectNode workspace(Workspace w) {
    ObjectNode o = Json.object();
    o.put("id", w.id());
    o.put("object", "workspace");
    o.put("name", w.name());
    o.put("plan", w.plan());
    if (w.maxTtlDays() == null) {
      o.putNull("max_ttl_days");
    } else {
      o.put("max_ttl_days", w.maxTtlDays());
    }
    putRateLimits(o, w.rateLimits());
    putLabels(o, w.externalId(), w.metadata());
    o.put("suspended", w.suspended());
    o.put("suspension_reason", w.suspensionReason());
    Json.putTime(o, "created_at", w.createdAt());
    Json.putTime(o, "updated_at", w.updatedAt());
    return o;
  }

  /** {@code rate_limits}: the stored overrides as a JSON list, or {@code null} for none. */
  private static void putRateLimits(ObjectNode o, String json) {
    if (json == null) {
      o.putNull("rate_limits");
    } else {
      o.set("rate_limits", Json.parseOrEmpty(json));
    }
  }

  /** {@code external_id} (or null) and {@code metadata} (an object of strings). */
  private static void putLabels(ObjectNode o, String externalId, java.util.Map<String, String> metadata) {
    o.put("external_id", externalId);
    ObjectNode m = o.putObject("metadata");
    metadata.forEach(m::put);
  }

  static ObjectNode project(Project p) {
    ObjectNode o = Json.object();
    o.put("id", p.id());
    o.put("object", "project");
    o.put("workspace_id", p.workspaceId());
    o.put("name", p.name());
    putLabels(o, p.externalId(), p.metadata());
    Json.putTime(o, "created_at", p.createdAt());
    Json.putTime(o, "updated_at", p.updatedAt());
    return o;
  }

  static ObjectNode user(User u) {
    ObjectNode o = Json.object();
    o.put("id", u.id());
    o.put("object", "user");
    o.put("email", u.email());
    o.put("name", u.name());
    putLabels(o, u.externalId(), u.metadata());
    Json.putTime(o, "created_at", u.createdAt());
    Json.putTime(o, "updated_at", u.updatedAt());
    return o;
  }

  static ObjectNode membership(Membership m) {
    ObjectNode o = Json.object();
    o.put("object", "membership");
    o.put("workspace_id", m.workspaceId());
    o.put("user_id", m.userId());
    o.put("role", m.role());
    o.set("projects", Json.strings(m.projectIds()));
    o.put("default_project_id", m.defaultProjectId());
    Json.putTime(o, "created_at", m.createdAt());
    Json.putTime(o, "updated_at", m.updatedAt());
    return o;
  }

  static ObjectNode key(ApiKey k, Instant now) {
    ObjectNode o = Json.object();
    o.put("id", k.id());
    o.put("object", "key");
    o.put("name", k.name());
    o.put("kind", k.kind().wireName());
    o.put("type", k.type().wireName());
    o.put("environment", k.environment());
    o.put("state", k.stateAt(now).wireName());
    o.put("workspace_id", k.workspaceId());
    o.put("user_id", k.ownerUserId());
    o.put("project_id", k.ownerProjectId());
    o.put("prefix", k.prefix());
    o.put("display", k.display());
    o.set("scopes", Json.strings(k.scopes()));
    o.set("projects", Json.strings(k.projectIds()));
    o.set("allowed_ips", Json.strings(k.allowedIps()));
    o.set("allowed_origins", Json.strings(k.allowedOrigins()));
    o.set("metadata", Json.parseOrEmpty(k.metadata()));
    o.put("enabled", k.enabled());
    putRateLimits(o, k.rateLimits());
    Json.putTime(o, "expires_at", k.expiresAt());
    Json.putTime(o, "created_at", k.createdAt());
    o.put("created_by", k.createdBy());
    Json.putTime(o, "last_used_at", k.lastUsedAt());
    Json.putTime(o, "revoked_at", k.revokedAt());
    o.put("replaces", k.replacesKeyId());
    o.put("replaced_by", k.replacedByKeyId());
    return o;
  }

  static ObjectNode auditEvent(AuditEvent e) {
    ObjectNode o = Json.object();
    o.put("id", e.id());
    o.put("object", "audit_event");
    Json.putTime(o, "at", e.at());
    o.put("actor", e.actor());
    o.put("action", e.action());
    ObjectNode t = o.putObject("target");
    t.put("type", e.targetType());
    t.put("id", e.targetId());
    o.put("workspace_id", e.workspaceId());
    o.put("client_ip", e.clientIp());
    o.put("user_agent", e.userAgent());
    o.set("details", Json.parseOrEmpty(e.details()));
    return o;
  }

  /**
   * The verification answer as a complete {@code {"data": …}} body. This is the hot path of the
   * verification API: the key's part never changes while the key is cached, so it is rendered
   * once and remembered on the cached key; the rest is appended directly.
   */
  static io.vertx.core.buffer.Buffer decisionBody(Decision d) {
    return decisionBody(d, null);
  }

  /**
   * A verification answer; with {@code limit} (the rate-limit check of a valid key, or {@code
   * null}) a {@code ratelimit} object, and a rejection makes the answer invalid with its code.
   */
  static io.vertx.core.buffer.Buffer decisionBody(Decision d, io.keywarden.core.ratelimit.RateOutcome limit) {
    io.vertx.core.buffer.Buffer out = io.vertx.core.buffer.Buffer.buffer(512);
    boolean limited = limit != null && !limit.allowed();
    out.appendString(d.isValid() && !limited ? "{\"data\":{\"valid\":true,\"code\":\"" : "{\"data\":{\"valid\":false,\"code\":\"")
        .appendString(limited ? limit.reason() : d.reason())
        .appendString("\"");
    if (!d.isValid()) {
      // A denial's public message (a suspended workspace's reason, where the deployment shows it).
      out.appendString(",\"message\":");
      Json.appendString(out, d.message());
    }
    out.appendString(",\"key\":");
    io.keywarden.core.decision.ResolvedKey rk = d.resolvedKey();
    if (rk == null) {
      out.appendString("null");
    } else {
      out.appendBytes(keyFragment(rk));
    }
    out.appendString(",\"project_id\":");
    Json.appendString(out, d.projectId());
    out.appendString(",\"scopes\":");
    var scopes = d.effectiveScopes();
    if (scopes == null) {
      out.appendString("null");
    } else {
      out.appendString("[");
      boolean first = true;
      for (String s : scopes.names()) {
        if (!first) {
          out.appendString(",");
        }
        Json.appendString(out, s);
        first = false;
      }
      out.appendString("]");
    }
    if (limit != null && limit.limited()) {
      out.appendString(",\"ratelimit\":{\"allowed\":").appendString(Boolean.toString(limit.allowed()))
          .appendString(",\"policy\":");
      Json.appendString(out, limit.policy().name());
      out.appendString(",\"limit\":").appendString(Long.toString(limit.limit()))
          .appendString(",\"remaining\":").appendString(Long.toString(limit.remaining()))
          .appendString(",\"reset\":").appendString(Long.toString(
              Math.ceilDiv(limit.decidedAtMicros() + limit.resetMicros(), 1_000_000L)))
          .appendString(",\"retry_after\":").appendString(limit.allowed() ? "null"
              : Long.toString(io.keywarden.core.ratelimit.RateLimitHeaders.retryAfterSeconds(limit)))
          .appendString("}");
    }
    return out.appendString("}}");
  }

  /** The key's part of a verification answer, rendered once per cached key. */
  private static byte[] keyFragment(io.keywarden.core.decision.ResolvedKey rk) {
    if (rk.rendering() instanceof byte[] cached) {
      return cached;
    }
    ApiKey k = rk.key();
    ObjectNode key = Json.object();
    key.put("id", k.id());
    key.put("name", k.name());
    key.put("kind", k.kind().wireName());
    key.put("type", k.type().wireName());
    key.put("environment", k.environment());
    key.put("workspace_id", k.workspaceId());
    key.put("user_id", k.ownerUserId());
    key.put("project_id", k.ownerProjectId());
    key.put("display", k.display());
    Json.putTime(key, "expires_at", k.expiresAt());
    key.set("metadata", Json.parseOrEmpty(k.metadata()));
    byte[] bytes = Json.bytes(key);
    rk.rememberRendering(bytes);
    return bytes;
  }

}
