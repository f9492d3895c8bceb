package io.keywarden.server.api;

import io.keywarden.core.decision.AccessDirectory;
import io.keywarden.core.decision.Decision;
import io.keywarden.core.decision.ProjectSelection;
import io.keywarden.core.decision.VerifyRequest;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.scopes.ScopeRequirement;
import io.keywarden.server.http.JsonBody;
import io.keywarden.server.http.Responses;
import io.keywarden.store.service.Keywarden;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code POST /v1/keys/verify}: one decision for an upstream service that keeps its own HTTP
 * stack. Needs an operator key with {@code verify}. An invalid key is a normal 200 answer with
 * {@code valid: false} and its reason code.
 *
 * <p>The hot path runs on the event loop against the cache only; if anything must be read from the
 * store (a cold key, project or membership), the whole verification moves to a worker thread.
 */
final class VerifyApi extends Endpoint {
  private static final Set<String> FIELDS = Set.of(
      "key", "project_id", "project_selection", "scopes", "any_scopes", "ip", "origin", "public");

  private final Vertx vertx;
  private final CacheOnlyDirectory cacheOnly;

  VerifyApi(Keywarden kw, OperatorAuth auth, Vertx vertx) {
    super(kw, auth);
    this.vertx = vertx;
    this.cacheOnly = new CacheOnlyDirectory(kw.cache());
  }

  @Override
  void mount(Router r) {
    routes().add(new RouteSpec(HttpMethod.POST, "/v1/keys/verify"));
    r.post("/v1/keys/verify").handler(this::verify);
  }

  private void verify(RoutingContext ctx) {
    try {
      Responses.body(ctx, 200, Views.decisionBody(decide(ctx, cacheOnly)));
    } catch (CacheOnlyDirectory.CacheMiss miss) {
      vertx.executeBlocking(() -> decide(ctx, kw.cache()), false).onComplete(ar -> {
        if (ar.succeeded()) {
          Responses.body(ctx, 200, Views.decisionBody(ar.result()));
        } else {
          ctx.fail(ar.cause());
        }
      });
    }
  }

  /**
   * Authenticates the caller, then reads the body: a caller without a valid operator key learns
   * nothing from the body checks (not even which scopes the deployment defines).
   */
  private Decision decide(RoutingContext ctx, AccessDirectory directory) {
    auth.require(ctx, "verify", directory);
    VerifyRequest request = parse(JsonBody.of(ctx, true).only(FIELDS));
    return kw.verify(request, directory);
  }

  private VerifyRequest parse(JsonBody b) {
    String key = b.string("key", true);
    String projectId = b.string("project_id", false);
    String selectionText = b.string("project_selection", false);
    ProjectSelection selection = ProjectSelection.OPTIONAL;
    if (selectionText != null) {
      try {
        selection = ProjectSelection.valueOf(selectionText.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw KeywardenException.invalid("project_selection",
            "project_selection must be one of none, optional, required, default_fallback.");
      }
    }
    List<String> all = b.strings("scopes");
    List<String> any = b.strings("any_scopes");
    if (all != null && any != null) {
      throw KeywardenException.invalid("any_scopes", "Give scopes or any_scopes, not both.");
    }
    var vocabulary = kw.model().scopes();
    ScopeRequirement requirement = ScopeRequirement.NONE;
    if (all != null) {
      requirement = named("scopes", () -> vocabulary.requireAll(all));
    } else if (any != null) {
      requirement = named("any_scopes", () -> vocabulary.requireAny(any.stream().map(List::of).toList()));
    }
    Boolean isPublic = b.bool("public");
    return new VerifyRequest(key, projectId, selection, requirement, b.string("ip", false),
        b.string("origin", false), isPublic == null || isPublic);
  }

  private static ScopeRequirement named(String field, java.util.function.Supplier<ScopeRequirement> s) {
    try {
      return s.get();
    } catch (KeywardenException e) {
      throw KeywardenException.invalid(field, e.getMessage().replace("in requirement", "in " + field));
    }
  }
}
