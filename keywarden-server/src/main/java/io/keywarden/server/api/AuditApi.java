package io.keywarden.server.api;

import io.keywarden.core.errors.KeywardenException;
import io.keywarden.server.http.Pagination;
import io.keywarden.server.http.Responses;
import io.keywarden.store.AuditEvent;
import io.keywarden.store.AuditFilter;
import io.keywarden.store.Page;
import io.keywarden.store.PageRequest;
import io.keywarden.store.service.Keywarden;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code GET /v1/audit-events}: the audit trail, newest first, filtered by {@code workspace_id},
 * {@code target} (a target id), {@code action} (e.g. {@code key.revoked}) and a time range,
 * {@code from} (inclusive) to {@code to} (exclusive), both RFC 3339.
 *
 * <p>A workspace-scoped operator key sees only its workspace's events; asking for another
 * workspace gives an empty list rather than an error, as a filter that matches nothing does, so
 * the answer does not tell whether that workspace exists.
 */
final class AuditApi extends Endpoint {
  AuditApi(Keywarden kw, OperatorAuth auth) {
    super(kw, auth);
  }

  @Override
  void mount(Router r) {
    on(r, HttpMethod.GET, "/v1/audit-events",
        Query.page("workspace_id", "target", "action", "from", "to"), this::list);
  }

  private void list(RoutingContext ctx) {
    Caller c = auth.require(ctx, "audit:read");
    PageRequest page = Pagination.of(ctx);
    String ws = param(ctx, "workspace_id");
    Instant from = time(ctx, "from");
    Instant to = time(ctx, "to");
    if (from != null && to != null && to.isBefore(from)) {
      throw KeywardenException.invalid("to", "to must not be earlier than from.");
    }
    if (ws != null && !c.canSee(ws)) {
      Responses.page(ctx, new Page<AuditEvent>(List.of(), false, null, false, null), Views::auditEvent);
      return;
    }
    AuditFilter filter = new AuditFilter(c.isDeploymentWide() ? ws : c.workspaceId(),
        param(ctx, "target"), param(ctx, "action"), from, to);
    Responses.page(ctx, kw.store().auditEvents(filter, page), Views::auditEvent);
  }

  private static Instant time(RoutingContext ctx, String name) {
    String v = param(ctx, name);
    if (v == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException e) {
      throw KeywardenException.invalid(name, name + " must be an RFC 3339 time such as 2026-01-31T12:00:00Z.");
    }
  }

  private static String param(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    return v == null || v.isEmpty() ? null : v;
  }
}
