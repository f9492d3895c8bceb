package io.keywarden.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.keys.ApiKey;
import io.keywarden.core.keys.KeyKind;
import io.keywarden.core.policy.IssuedKey;
import io.keywarden.server.http.Json;
import io.keywarden.server.http.JsonBody;
import io.keywarden.server.http.Pagination;
import io.keywarden.server.http.Responses;
import io.keywarden.store.OperatorKeyFilter;
import io.keywarden.store.Page;
import io.keywarden.store.service.Keywarden;
import io.keywarden.store.service.OperatorKeyService;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code /v1/operator-keys}: the keys of Keywarden's own API (the bootstrap admin key is one of
 * them). Reading needs {@code operators:read}, changing {@code operators:write}.
 *
 * <p>No escalation: a key can create, change, rotate or revoke only keys whose scopes it holds
 * itself (403 {@code scope_escalation} naming the scopes it lacks). A key bound to a workspace
 * sees and makes only keys bound to that workspace; every other key is 404 to it, exactly as an
 * unknown id, and asking for another workspace is answered as for one that does not exist. The
 * secret is in the answers of {@code POST} and {@code rotate} only. Revoking, disabling,
 * narrowing or expiring the last unbound admin key that does not expire is 409
 * {@code last_admin_key}.
 */
final class OperatorKeysApi extends Endpoint {
  private static final Set<String> CREATE_FIELDS = Set.of("name", "scopes", "workspace_id",
      "expires_at", "ttl_days", "allowed_ips");
  private static final Set<String> UPDATE_FIELDS = Set.of("name", "scopes", "allowed_ips",
      "expires_at", "enabled");
  private static final Set<String> ROTATE_FIELDS = Set.of("grace_seconds");
  private static final Set<String> LIST_PARAMS = Set.of("limit", "cursor", "before",
      "workspace_id", "revoked", "name_prefix");

  OperatorKeysApi(Keywarden kw, OperatorAuth auth) {
    super(kw, auth);
  }

  @Override
  void mount(Router r) {
    onCreate(r, HttpMethod.POST, "/v1/operator-keys", true, this::create);
    on(r, HttpMethod.GET, "/v1/operator-keys", Query.page("workspace_id", "revoked", "name_prefix"), this::list);
    on(r, HttpMethod.GET, "/v1/operator-keys/{id}", this::get);
    on(r, HttpMethod.PATCH, "/v1/operator-keys/{id}", this::update);
    on(r, HttpMethod.DELETE, "/v1/operator-keys/{id}", this::revoke);
    onCreate(r, HttpMethod.POST, "/v1/operator-keys/{id}/rotate", true, this::rotate);
  }

  private void create(RoutingContext ctx) {
    Caller c = auth.require(ctx, "operators:write");
    JsonBody b = JsonBody.of(ctx, true).only(CREATE_FIELDS);
    String ws = b.string("workspace_id", false);
    if (ws == null && !c.isDeploymentWide()) {
      ws = c.workspaceId();
    }
    if (ws != null && !c.canSee(ws)) {
      throw KeywardenException.invalid("workspace_id", "workspace_id does not name a workspace.");
    }
    List<String> scopes = b.strings("scopes");
    if (scopes == null) {
      throw KeywardenException.invalid("scopes", "scopes is required.");
    }
    var request = new OperatorKeyService.NewOperatorKey(b.string("name", true), scopes, ws,
        expiresAt(b), b.strings("allowed_ips"));
    IssuedKey issued = kw.operatorKeys().create(request, c.key(), c.actor());
    Responses.data(ctx, 201, withSecret(issued));
  }

  private void list(RoutingContext ctx) {
    Caller c = auth.require(ctx, "operators:read");
    for (String name : ctx.queryParams().names()) {
      if (!LIST_PARAMS.contains(name)) {
        throw KeywardenException.invalid(name, "Unknown query parameter \"" + name + "\"; this list takes "
            + String.join(", ", LIST_PARAMS.stream().sorted().toList()) + ".");
      }
    }
    var page = Pagination.of(ctx);
    String ws = param(ctx, "workspace_id");
    Boolean revoked = null;
    String revokedText = param(ctx, "revoked");
    if (revokedText != null) {
      if (!revokedText.equals("true") && !revokedText.equals("false")) {
        throw KeywardenException.invalid("revoked", "revoked must be true or false.");
      }
      revoked = Boolean.valueOf(revokedText);
    }
    Page<ApiKey> keys;
    if (ws != null && !c.canSee(ws)) {
      keys = new Page<>(List.of(), false, null, false, null);
    } else {
      String filterWs = c.isDeploymentWide() ? ws : c.workspaceId();
      keys = kw.store().operatorKeys(
          new OperatorKeyFilter(filterWs, false, revoked, param(ctx, "name_prefix")), page);
    }
    Instant now = kw.clock().instant();
    Responses.page(ctx, keys, k -> view(k, now));
  }

  private void get(RoutingContext ctx) {
    Caller c = auth.require(ctx, "operators:read");
    Responses.data(ctx, 200, view(visible(c, ctx.pathParam("id")), kw.clock().instant()));
  }

  private void update(RoutingContext ctx) {
    Caller c = auth.require(ctx, "operators:write");
    JsonBody b = JsonBody.of(ctx, true).only(UPDATE_FIELDS);
    ApiKey k = visible(c, ctx.pathParam("id"));
    var change = new OperatorKeyService.Change(b.string("name", false), b.bool("enabled"),
        b.strings("scopes"), b.strings("allowed_ips"), b.instant("expires_at"),
        b.isNull("expires_at"));
    ApiKey updated = kw.operatorKeys().update(k, change, c.key(), c.actor());
    Responses.data(ctx, 200, view(updated, kw.clock().instant()));
  }

  private void revoke(RoutingContext ctx) {
    Caller c = auth.require(ctx, "operators:write");
    ApiKey k = visible(c, ctx.pathParam("id"));
    ApiKey revoked = kw.operatorKeys().revoke(k, c.key(), c.actor());
    Responses.data(ctx, 200, view(revoked, kw.clock().instant()));
  }

  private void rotate(RoutingContext ctx) {
    Caller c = auth.require(ctx, "operators:write");
    var raw = ctx.body();
    Long grace = raw == null || raw.length() <= 0 ? null
        : JsonBody.of(ctx, false).only(ROTATE_FIELDS).longValue("grace_seconds");
    ApiKey k = visible(c, ctx.pathParam("id"));
    IssuedKey successor = kw.operatorKeys().rotate(k,
        Duration.ofSeconds(grace == null ? KeysApi.DEFAULT_GRACE_SECONDS : grace), c.key(), c.actor());
    Responses.data(ctx, 201, withSecret(successor));
  }

  /** The operator key if the caller may see it; else 404, whether or not it exists. */
  private ApiKey visible(Caller c, String id) {
    return kw.store().key(id)
        .filter(k -> k.kind() == KeyKind.OPERATOR)
        .filter(k -> c.isDeploymentWide() || c.workspaceId().equals(k.workspaceId()))
        .orElseThrow(() -> notFound("Operator key"));
  }

  /** {@code expires_at} (an RFC 3339 time) or {@code ttl_days} (whole days); neither: never. */
  private Instant expiresAt(JsonBody b) {
    if (b.has("ttl_days") && b.has("expires_at")) {
      throw KeywardenException.invalid("ttl_days", "Give at most one of ttl_days and expires_at.");
    }
    if (b.has("expires_at")) {
      return b.instant("expires_at");
    }
    Integer days = b.integer("ttl_days");
    if (days == null) {
      return null;
    }
    if (days < 1 || days > OperatorKeyService.MAX_TTL_DAYS) {
      throw KeywardenException.invalid("ttl_days",
          "ttl_days must be a whole number of days between 1 and " + OperatorKeyService.MAX_TTL_DAYS + ".");
    }
    return kw.clock().instant().plus(Duration.ofDays(days));
  }

  private ObjectNode withSecret(IssuedKey issued) {
    ObjectNode o = view(issued.key(), kw.clock().instant());
    o.put("secret", issued.secret());
    return o;
  }

  static ObjectNode view(ApiKey k, Instant now) {
    ObjectNode o = Json.object();
    o.put("id", k.id());
    o.put("object", "operator_key");
    o.put("name", k.name());
    o.put("state", k.stateAt(now).wireName());
    o.put("workspace_id", k.workspaceId());
    o.set("scopes", Json.strings(k.scopes()));
    o.set("allowed_ips", Json.strings(k.allowedIps()));
    o.put("prefix", k.prefix());
    o.put("display", k.display());
    o.put("enabled", k.enabled());
    Json.putTime(o, "expires_at", k.expiresAt());
    Json.putTime(o, "created_at", k.createdAt());
    o.put("created_by", k.createdBy());
    Json.putTime(o, "last_used_at", k.lastUsedAt());
    Json.putTime(o, "revoked_at", k.revokedAt());
    o.put("replaces", k.replacesKeyId());
    o.put("replaced_by", k.replacedByKeyId());
    return o;
  }

  private static String param(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    return v == null || v.isEmpty() ? null : v;
  }
}
