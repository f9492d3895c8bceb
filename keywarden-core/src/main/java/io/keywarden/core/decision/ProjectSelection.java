package io.keywarden.core.decision;

/** How a request selects the project it acts on. Project keys always act on their own project. */
public enum ProjectSelection {
  /** The request is not project-scoped; any project id given is ignored. */
  NONE,
  /** A project id may be given; without one the request is not project-scoped. */
  OPTIONAL,
  /** A project id must be given, else {@link DecisionStatus#PROJECT_REQUIRED}. */
  REQUIRED,
  /** A project id may be given; without one the owner's default project is used. */
  DEFAULT_FALLBACK
}
