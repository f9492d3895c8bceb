package io.keywarden.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyKind;
import io.keywarden.core.keys.KeyState;
import io.keywarden.core.keys.KeyType;
import io.keywarden.core.policy.IssuedKey;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.server.http.JsonBody;
import io.keywarden.server.http.Pagination;
import io.keywarden.server.http.Responses;
import io.keywarden.store.KeyFilter;
import io.keywarden.store.Page;
import io.keywarden.store.PageRequest;
import io.keywarden.store.service.KeyUpdate;
import io.keywarden.store.service.Keywarden;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code /v1/keys}: the access keys (user and project keys) of the tenants.
 *
 * <p>The secret is in the answer of {@code POST /v1/keys} and {@code POST /v1/keys/{id}/rotate}
 * only; no other answer carries it, and Keywarden cannot show it again. {@code DELETE} revokes:
 * the key is refused from the next request on, and the answer is the revoked key.
 *
 * <p>Operator keys are a separate realm and are not managed here: their ids are 404 and they are
 * never listed. A workspace-scoped operator key sees only its workspace's keys; a key of another
 * workspace is 404, a list is limited to its workspace (asking for another one gives an empty
 * list), and creating a key in another workspace is answered exactly as for an unknown
 * workspace (400 naming {@code workspace_id}), so the two cannot be told apart. Such a caller may
 * leave {@code workspace_id} out; it defaults to its own workspace.
 *
 * <p>Lifetimes on create: {@code ttl_days} is one of the configured choices, or JSON {@code null}
 * or {@code "none"} for a key that never expires (if the policy allows it); {@code expires_at} is
 * an RFC 3339 time, or {@code null} for never; with neither, the default lifetime applies. On
 * {@code PATCH}, a {@code null} field is left as it is, except {@code expires_at: null}, which
 * removes the expiry. Create, change and rotation all hold the expiry to the TTL policy and the
 * workspace's {@code max_ttl_days} through one check ({@code KeyIssuer.expiry}). A rotation's {@code grace_seconds} defaults to 0: the old key stops at once
 * unless a grace period is asked for.
 */
final class KeysApi extends Endpoint {
  /** Grace period of a rotation when none is given: the old key stops working at once. */
  static final long DEFAULT_GRACE_SECONDS = 0;

  private static final Set<String> CREATE_FIELDS = Set.of("workspace_id", "kind", "user_id",
      "project_id", "name", "type", "environment", "scopes", "projects", "ttl_days", "expires_at",
      "allowed_ips", "allowed_origins", "metadata", "rate_limits");
  private static final Set<String> UPDATE_FIELDS = Set.of("name", "enabled", "scopes", "projects",
      "allowed_ips", "allowed_origins", "metadata", "expires_at", "rate_limits");
  private static final Set<String> ROTATE_FIELDS = Set.of("grace_seconds");

  private final io.keywarden.server.ratelimit.RateLimits limits;

  KeysApi(Keywarden kw, OperatorAuth auth, io.keywarden.server.ratelimit.RateLimits limits) {
    super(kw, auth);
    this.limits = limits;
  }

  @Override
  void mount(Router r) {
    on(r, HttpMethod.POST, "/v1/keys", this::create);
    on(r, HttpMethod.GET, "/v1/keys", this::list);
    on(r, HttpMethod.GET, "/v1/keys/{id}", this::get);
    on(r, HttpMethod.PATCH, "/v1/keys/{id}", this::update);
    on(r, HttpMethod.DELETE, "/v1/keys/{id}", this::revoke);
    on(r, HttpMethod.POST, "/v1/keys/{id}/rotate", this::rotate);
  }

  private void create(RoutingContext ctx) {
    Caller c = auth.require(ctx, "keys:write");
    JsonBody b = JsonBody.of(ctx, true).only(CREATE_FIELDS);
    String ws = b.string("workspace_id", false);
    if (ws == null && !c.isDeploymentWide()) {
      ws = c.workspaceId();
    }
    if (ws != null && !c.canSee(ws)) {
      // Exactly what KeyService answers for a workspace that does not exist.
      throw KeywardenException.invalid("workspace_id", "workspace_id does not name a workspace.");
    }
    NewKeyRequest request = new NewKeyRequest(ws, kind(b), b.string("user_id", false),
        b.string("project_id", false), b.string("name", false), type(b),
        b.string("environment", false), b.strings("scopes"), b.strings("projects"), null, null,
        false, b.strings("allowed_ips"), b.strings("allowed_origins"), b.object("metadata"));
    request = lifetime(b, request);
    String rateLimits = b.isNull("rate_limits") ? null : b.raw("rate_limits");
    if (rateLimits != null && !c.isDeploymentWide()) {
      throw deploymentWideOnly(); // a tenant's own operator key must not raise its limits
    }
    if (limits != null && rateLimits != null && ws != null) {
      limits.checkOverrides(limits.loadWorkspace(ws).plan(), rateLimits);
    }
    IssuedKey issued = kw.keys().create(request, rateLimits, c.actor());
    Responses.data(ctx, 201, withSecret(issued));
  }

  private void list(RoutingContext ctx) {
    Caller c = auth.require(ctx, "keys:read");
    PageRequest page = Pagination.of(ctx);
    String ws = param(ctx, "workspace_id");
    KeyKind kind = null;
    String kindText = param(ctx, "kind");
    if (kindText != null) {
      kind = KeyKind.fromWire(kindText);
      if (kind == null || kind == KeyKind.OPERATOR) {
        throw KeywardenException.invalid("kind", "kind must be \"user\" or \"project\".");
      }
    }
    KeyState state = null;
    String stateText = param(ctx, "state");
    if (stateText != null) {
      state = KeyState.fromWire(stateText);
      if (state == null) {
        throw KeywardenException.invalid("state", "state must be one of active, expired, revoked, disabled.");
      }
    }
    Page<ApiKey> keys;
    if (ws != null && !c.canSee(ws)) {
      keys = new Page<>(List.of(), false, null, false, null);
    } else {
      KeyFilter filter = new KeyFilter(c.isDeploymentWide() ? ws : c.workspaceId(),
          param(ctx, "user_id"), param(ctx, "project_id"), kind, state);
      keys = accessKeys(filter, page);
    }
    Instant now = kw.clock().instant();
    Responses.page(ctx, keys, k -> Views.key(k, now));
  }

  private void get(RoutingContext ctx) {
    Caller c = auth.require(ctx, "keys:read");
    ApiKey k = visible(c, ctx.pathParam("id"));
    Responses.data(ctx, 200, Views.key(k, kw.clock().instant()));
  }

  private void update(RoutingContext ctx) {
    Caller c = auth.require(ctx, "keys:write");
    JsonBody b = JsonBody.of(ctx, true).only(UPDATE_FIELDS);
    ApiKey k = visible(c, ctx.pathParam("id"));
    KeyUpdate u = new KeyUpdate(b.string("name", false), b.bool("enabled"), b.strings("scopes"),
        b.strings("projects"), b.strings("allowed_ips"), b.strings("allowed_origins"),
        b.object("metadata"), b.instant("expires_at"), b.isNull("expires_at"),
        b.isNull("rate_limits") ? "[]" : b.raw("rate_limits"));
    if (b.has("rate_limits") && !c.isDeploymentWide()) {
      throw deploymentWideOnly();
    }
    if (limits != null && b.has("rate_limits")) {
      limits.checkOverrides(limits.loadWorkspace(k.workspaceId()).plan(), b.raw("rate_limits"));
    }
    ApiKey updated = kw.keys().update(k.id(), u, c.actor());
    Responses.data(ctx, 200, Views.key(updated, kw.clock().instant()));
  }

  private void revoke(RoutingContext ctx) {
    Caller c = auth.require(ctx, "keys:write");
    ApiKey k = visible(c, ctx.pathParam("id"));
    ApiKey revoked = kw.keys().revoke(k.id(), c.actor());
    Responses.data(ctx, 200, Views.key(revoked, kw.clock().instant()));
  }

  private void rotate(RoutingContext ctx) {
    Caller c = auth.require(ctx, "keys:write");
    // The body is optional. A request with no body at all (no Content-Length) reads as length -1,
    // which JsonBody does not take for empty, so it is only read when there is one.
    var raw = ctx.body();
    Long grace = raw == null || raw.length() <= 0 ? null
        : JsonBody.of(ctx, false).only(ROTATE_FIELDS).longValue("grace_seconds");
    ApiKey k = visible(c, ctx.pathParam("id"));
    IssuedKey successor = kw.keys().rotate(k.id(),
        Duration.ofSeconds(grace == null ? DEFAULT_GRACE_SECONDS : grace), c.actor());
    Responses.data(ctx, 201, withSecret(successor));
  }

  /** The key if it is an access key the caller may see; else 404, whether or not it exists. */
  private ApiKey visible(Caller c, String id) {
    return kw.store().key(id)
        .filter(k -> isAccessKey(k) && c.canSee(k.workspaceId()))
        .orElseThrow(() -> notFound("Key"));
  }

  /** A page of {@code filter} without operator keys (the store leaves them out). */
  private Page<ApiKey> accessKeys(KeyFilter filter, PageRequest page) {
    return kw.store().keys(filter.withAccessKeysOnly(), page);
  }

  private static boolean isAccessKey(ApiKey k) {
    return k.kind() != KeyKind.OPERATOR;
  }

  private ObjectNode withSecret(IssuedKey issued) {
    ObjectNode o = Views.key(issued.key(), kw.clock().instant());
    o.put("secret", issued.secret());
    return o;
  }

  private static KeyKind kind(JsonBody b) {
    String text = b.string("kind", true);
    KeyKind kind = KeyKind.fromWire(text);
    if (kind == null || kind == KeyKind.OPERATOR) {
      throw KeywardenException.invalid("kind", "kind must be \"user\" or \"project\".");
    }
    return kind;
  }

  private static KeyType type(JsonBody b) {
    String text = b.string("type", false);
    if (text == null) {
      return null;
    }
    KeyType type = KeyType.fromWire(text);
    if (type == null) {
      throw KeywardenException.invalid("type", "type must be \"secret\" or \"publishable\".");
    }
    return type;
  }

  /** Applies {@code ttl_days} or {@code expires_at} (null or "none" meaning never) to the request. */
  private NewKeyRequest lifetime(JsonBody b, NewKeyRequest r) {
    if (b.has("ttl_days") && b.has("expires_at")) {
      throw KeywardenException.invalid("ttl_days", "Give at most one of ttl_days and expires_at.");
    }
    if (b.has("expires_at")) {
      return b.isNull("expires_at") ? r.withNoExpiry() : r.withExpiresAt(b.instant("expires_at"));
    }
    if (!b.has("ttl_days")) {
      return r;
    }
    if (b.isNull("ttl_days")) {
      return r.withNoExpiry();
    }
    try {
      return r.withTtlDays(b.integer("ttl_days"));
    } catch (KeywardenException notWhole) {
      String text = null;
      try {
        text = b.string("ttl_days", false);
      } catch (KeywardenException notText) {
        // neither a number nor a string: answered below
      }
      if ("none".equals(text)) {
        return r.withNoExpiry();
      }
      var ttl = kw.model().ttl();
      throw KeywardenException.invalid("ttl_days", "ttl_days must be one of " + ttl.describe()
          + (ttl.allowNone() ? "; give none as JSON null or \"none\"." : "."));
    }
  }

  private static String param(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    return v == null || v.isEmpty() ? null : v;
  }
}
