package io.keywarden.server.api;

import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.ratelimit.RatePolicy;
import io.keywarden.core.ratelimit.RateSubject;
import io.keywarden.server.ratelimit.RateLimits;

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
 * <p>An operator key bound to a workspace verifies only that workspace's keys: others are looked
 * up as if they did not exist, so the answer is the unknown key's and nothing of theirs moves.
 * Publishable keys are refused unless the caller says the resource is {@code public}.
 *
 * <p>The hot path runs on the event loop against the cache only; if anything must be read from the
 * store (a cold key, project or membership, the workspace's plan), the rest of the verification
 * moves to a worker thread, and no stage runs twice.
 */
final class VerifyApi extends Endpoint {
  private static final Set<String> FIELDS = Set.of(
      "key", "project_id", "project_selection", "scopes", "any_scopes", "ip", "origin", "public",
      "route_group");

  /** A decision and what its rate-limit check needs. */
  private record Verdict(Decision decision, String ip, String routeGroup, RateLimits.WorkspaceLimits limits) {}

  private final Vertx vertx;
  private final CacheOnlyDirectory cacheOnly;
  private final RateLimits limits;

  VerifyApi(Keywarden kw, OperatorAuth auth, Vertx vertx, RateLimits limits) {
    super(kw, auth);
    this.vertx = vertx;
    this.limits = limits;
    this.cacheOnly = new CacheOnlyDirectory(kw.cache());
  }

  @Override
  void mount(Router r) {
    routes().add(new RouteSpec(HttpMethod.POST, "/v1/keys/verify"));
    r.post("/v1/keys/verify").handler(this::verify);
  }

  private void verify(RoutingContext ctx) {
    // Each stage runs once: the operator key is authenticated (and counted) once, the presented
    // key is decided (and recorded) once, wherever a cache miss moves the rest to a worker.
    Caller caller;
    try {
      caller = auth.require(ctx, "verify", cacheOnly);
    } catch (CacheOnlyDirectory.CacheMiss miss) {
      onWorker(ctx, () -> decide(auth.require(ctx, "verify", kw.cache()), asked(ctx), kw.cache(), true));
      return;
    }
    Asked asked = asked(ctx);
    Verdict v;
    try {
      v = decide(caller, asked, cacheOnly, false);
    } catch (CacheOnlyDirectory.CacheMiss miss) {
      onWorker(ctx, () -> decide(caller, asked, kw.cache(), true));
      return;
    }
    answer(ctx, v);
  }

  private void onWorker(RoutingContext ctx, java.util.concurrent.Callable<Verdict> work) {
    vertx.executeBlocking(work, false).onComplete(ar -> {
      if (ar.succeeded()) {
        answer(ctx, ar.result());
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  /** Counts a valid key's request against its rate limits (the route group's), then answers. */
  private void answer(RoutingContext ctx, Verdict v) {
    Decision d = v.decision();
    if (limits == null || !d.isValid()) {
      kw.markUsed(d);
      Responses.body(ctx, 200, Views.decisionBody(d));
      return;
    }
    RateLimits.WorkspaceLimits w = v.limits();
    if (w == null) {
      // The workspace's plan must be read first: on a worker, without deciding again.
      String ws = d.key().workspaceId();
      vertx.executeBlocking(() -> limits.loadWorkspace(ws), false).onComplete(ar -> {
        if (ar.succeeded()) {
          answer(ctx, new Verdict(d, v.ip(), v.routeGroup(), ar.result()));
        } else {
          ctx.fail(ar.cause());
        }
      });
      return;
    }
    RateSubject subject = RateLimits.subject(d, v.ip(), v.routeGroup());
    List<RatePolicy> policies = limits.policies(w, d.key(), subject);
    if (policies.isEmpty()) {
      kw.markUsed(d);
      Responses.body(ctx, 200, Views.decisionBody(d));
      return;
    }
    limits.check(policies, subject).onComplete(ar -> {
      if (ar.succeeded()) {
        if (ar.result().allowed()) {
          kw.markUsed(d); // a request refused by a rate limit is not a use of the key
        }
        Responses.body(ctx, 200, Views.decisionBody(d, ar.result()));
      } else {
        ctx.fail(new KeywardenException(ErrorCode.RATE_LIMIT_UNAVAILABLE, "Rate limits cannot be checked right now."));
      }
    });
  }

  /** What the body asks: the verification and the route group whose limits apply. */
  private record Asked(VerifyRequest request, String routeGroup) {}

  /**
   * Reads the body. Called after the caller is authenticated: a caller without a valid operator
   * key learns nothing from the body checks (not even which scopes the deployment defines).
   */
  private Asked asked(RoutingContext ctx) {
    JsonBody body = JsonBody.of(ctx, true).only(FIELDS);
    VerifyRequest request = parse(body);
    String group = body.string("route_group", false);
    return new Asked(request, group == null ? io.keywarden.core.routes.Route.DEFAULT_GROUP : group);
  }

  /**
   * Decides, looking keys up only within the caller's workspace when its operator key is bound to
   * one: another workspace's key is then not found, exactly like an unknown key, and nothing of it
   * (state, rate limits, last use) is touched. Throws {@link CacheOnlyDirectory.CacheMiss} only
   * before anything was recorded.
   */
  private Verdict decide(Caller caller, Asked asked, AccessDirectory directory, boolean mayBlock) {
    // Its use is recorded once the limits allow it (answer).
    Decision d = kw.decide(asked.request(), directory.within(caller.workspaceId()));
    RateLimits.WorkspaceLimits w = null;
    if (limits != null && d.isValid()) {
      w = limits.cachedWorkspace(d.key().workspaceId());
      if (w == null && mayBlock) {
        w = limits.loadWorkspace(d.key().workspaceId());
      }
    }
    return new Verdict(d, asked.request().clientIp(), asked.routeGroup(), w);
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
            "project_selection must be one of none, optional, required, default_fallback, resource.");
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
    // Closed by default, like the gateway: publishable keys pass only where the caller says the
    // resource is public.
    boolean isPublic = Boolean.TRUE.equals(b.bool("public"));
    return new VerifyRequest(key, projectId, selection, requirement, b.string("ip", false),
        b.string("origin", false), isPublic);
  }

  private static ScopeRequirement named(String field, java.util.function.Supplier<ScopeRequirement> s) {
    try {
      return s.get();
    } catch (KeywardenException e) {
      throw KeywardenException.invalid(field, e.getMessage().replace("in requirement", "in " + field));
    }
  }
}
