package io.keywarden.core.decision;

/**
 * How a request names the project it acts on, and so what binds which kind of key.
 *
 * <p>A <em>selection</em> ({@link #OPTIONAL}, {@link #REQUIRED}, {@link #DEFAULT_FALLBACK}: a header
 * such as {@code X-Nodion-Project}) chooses among the projects a key may reach: project keys ignore
 * it and act on their own project (Nodion). A {@link #RESOURCE} is the project the request is
 * about (a path parameter such as {@code /v1/projects/{id}/…}): it binds every kind of key.
 */
public enum ProjectSelection {
  /** The request is not project-scoped; any project id given is ignored. */
  NONE,
  /** A project id may be given; without one the request is not project-scoped. */
  OPTIONAL,
  /** A project id must be given, else {@link DecisionStatus#PROJECT_REQUIRED}. */
  REQUIRED,
  /** A project id may be given; without one the owner's default project is used. */
  DEFAULT_FALLBACK,
  /**
   * The project id names the resource of the request (a path parameter): it must be given (else
   * {@link DecisionStatus#PROJECT_REQUIRED}), and a project key reaches only its own project; any
   * other id is {@link DecisionStatus#PROJECT_NOT_FOUND}, exactly as an unknown one.
   */
  RESOURCE;

  /** Whether project keys ignore the id (it selects) rather than being bound by it (a resource). */
  public boolean isSelection() {
    return this != NONE && this != RESOURCE;
  }
}
