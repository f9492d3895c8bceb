package io.keywarden.core.routes;

import io.keywarden.core.decision.ProjectSelection;
import java.util.Objects;

/**
 * How a route selects the project a request acts on: the {@link ProjectSelection} policy and where
 * the project id comes from.
 *
 * <p>A header selects a project: project keys act on their own project and ignore it (Nodion). A
 * path parameter names the project the request is about, so it is always {@link
 * ProjectSelection#RESOURCE}: it binds project keys too, and a project key given another project's
 * id gets 404.
 *
 * @param selection whether a project is needed and what happens without one
 * @param source where the id is read
 * @param name the header name (as configured; headers compare ignoring case) or the path
 *     parameter name; empty for {@link Source#NONE}
 */
public record ProjectRule(ProjectSelection selection, Source source, String name) {
  /** The route is not project-scoped. The default. */
  public static final ProjectRule NONE = new ProjectRule(ProjectSelection.NONE, Source.NONE, "");

  /** Where a project id is read. */
  public enum Source {
    /** Nowhere: not project-scoped, or always the owner's default project. */
    NONE,
    /** A request header, e.g. {@code project-id} (NomaCMS) or {@code X-Nodion-Project}. */
    HEADER,
    /** A path parameter of the route's pattern, e.g. {@code {project_id}}. */
    PATH_PARAMETER
  }

  public ProjectRule {
    Objects.requireNonNull(selection, "selection");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(name, "name");
    if ((source == Source.NONE) != name.isEmpty()) {
      throw new IllegalArgumentException("name must be empty exactly when source is NONE");
    }
    if (source == Source.NONE && selection != ProjectSelection.NONE
        && selection != ProjectSelection.DEFAULT_FALLBACK) {
      throw new IllegalArgumentException(selection + " needs a header or path parameter");
    }
    if (source != Source.NONE && selection == ProjectSelection.NONE) {
      throw new IllegalArgumentException("a project source needs a selection other than NONE");
    }
    if ((source == Source.PATH_PARAMETER) != (selection == ProjectSelection.RESOURCE)) {
      throw new IllegalArgumentException("a path parameter, and only a path parameter, names the"
          + " project resource: RESOURCE");
    }
  }

  /** The project id from header {@code name}, with the given policy. */
  public static ProjectRule header(ProjectSelection selection, String name) {
    return new ProjectRule(selection, Source.HEADER, name);
  }

  /** The project id from path parameter {@code name}; always {@link ProjectSelection#RESOURCE}. */
  public static ProjectRule pathParameter(String name) {
    return new ProjectRule(ProjectSelection.RESOURCE, Source.PATH_PARAMETER, name);
  }

  /** Always the owner's default project; no id is read from the request. */
  public static ProjectRule defaultProject() {
    return new ProjectRule(ProjectSelection.DEFAULT_FALLBACK, Source.NONE, "");
  }

  /** Whether the route is project-scoped at all. */
  public boolean isScoped() {
    return selection != ProjectSelection.NONE;
  }
}
