package io.keywarden.demo;

import java.util.Locale;

/** The reference systems {@code keywarden demo} knows, with their documented base paths. */
public enum DemoSystem {
  NOMETRIA("/v1", "deployment platform: account-wide keys, Free/Pro/Team tiers, cursor pagination"),
  METORIAL("", "MCP platform: publishable and secret project keys, per-IP and per-environment limits"),
  NOMACMS("/api", "headless CMS: personal tokens per workspace, project-id header, abilities"),
  NODION("/v1", "cloud hosting: user keys with scopes and allow-lists, project keys, X-Nodion-Project"),
  NOMOTIC("/api/v1", "AI-agent governance: nm_live_ keys, nested scopes, plans and a monthly quota");

  private final String basePath;
  private final String summary;

  DemoSystem(String basePath, String summary) {
    this.basePath = basePath;
    this.summary = summary;
  }

  /** The name on the command line and in {@code examples/}: lower case. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The documented base path ({@code ""} for the root). */
  public String basePath() {
    return basePath;
  }

  /** One line for the list of systems. */
  public String summary() {
    return summary;
  }

  /** The system of this name, or {@code null}. */
  public static DemoSystem of(String name) {
    for (DemoSystem s : values()) {
      if (s.id().equalsIgnoreCase(name)) {
        return s;
      }
    }
    return null;
  }
}
