package io.keywarden.core.routes;

import java.util.List;
import java.util.Objects;

/**
 * The result of matching a request against a {@link RouteTable}: one of four outcomes, as
 * records, so the gateway can {@code switch} over them exhaustively.
 *
 * <ul>
 *   <li>{@link Matched}: the most precise route that accepts the method, with its parameters.
 *   <li>{@link NotFound}: no route's path (and host) matches: 404.
 *   <li>{@link MethodNotAllowed}: some route's path and host match, but none accepts the method:
 *       405 with {@link MethodNotAllowed#allowHeader()}.
 *   <li>{@link BadPath}: the path was refused before routing ({@link PathProblem}): 400.
 * </ul>
 */
public sealed interface RouteMatch
    permits RouteMatch.Matched, RouteMatch.NotFound, RouteMatch.MethodNotAllowed,
        RouteMatch.BadPath {

  /** The four outcomes, for logs, metrics and tests. */
  enum Outcome {
    MATCHED,
    NOT_FOUND,
    METHOD_NOT_ALLOWED,
    BAD_PATH
  }

  /** Which outcome this is. */
  Outcome outcome();

  /**
   * A route was found.
   *
   * @param route the route
   * @param params the path parameters, percent-decoded
   */
  record Matched(Route route, PathParams params) implements RouteMatch {
    public Matched {
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(params, "params");
    }

    @Override
    public Outcome outcome() {
      return Outcome.MATCHED;
    }
  }

  /** No route matches the path (for this host). */
  record NotFound() implements RouteMatch {
    /** The one instance the table returns. */
    public static final NotFound INSTANCE = new NotFound();

    @Override
    public Outcome outcome() {
      return Outcome.NOT_FOUND;
    }
  }

  /**
   * Routes match the path but not the method.
   *
   * @param allowed the methods that would match, standard ones first; includes {@code HEAD}
   *     wherever {@code GET} is allowed
   */
  record MethodNotAllowed(List<String> allowed) implements RouteMatch {
    public MethodNotAllowed {
      allowed = List.copyOf(allowed);
    }

    /** The value of the {@code Allow} header, e.g. {@code GET, HEAD, POST}. */
    public String allowHeader() {
      return String.join(", ", allowed);
    }

    @Override
    public Outcome outcome() {
      return Outcome.METHOD_NOT_ALLOWED;
    }
  }

  /**
   * The path was refused before routing.
   *
   * @param problem why; its {@link PathProblem#code()} is the reason to log
   */
  record BadPath(PathProblem problem) implements RouteMatch {
    public BadPath {
      Objects.requireNonNull(problem, "problem");
    }

    @Override
    public Outcome outcome() {
      return Outcome.BAD_PATH;
    }
  }
}
