package io.keywarden.cli;

import static io.keywarden.cli.client.KeywardenClient.path;

import io.keywarden.cli.client.KeywardenClient;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code keywarden workspaces|projects|users|members …}: the tenancy through the management API. */
final class TenantCommands {
  private TenantCommands() {}

  /** Prints a created object: its id alone with {@code --quiet}, else like {@code show}. */
  static int created(Remote remote, KeywardenClient.Answer a, boolean quiet) {
    if (quiet && !remote.json) {
      remote.out().println(Remote.text(a.data(), "id"));
      remote.out().flush();
      return 0;
    }
    return remote.show(a);
  }

  private static int deleted(Remote remote, KeywardenClient.Answer a, String what) {
    return remote.done(a, "Deleted " + what + ".");
  }

  @Command(name = "workspaces", mixinStandardHelpOptions = true, description = "Create, list, show, change and delete workspaces.")
  static final class Workspaces {
    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a workspace.")
    int create(@Mixin Remote remote, @Option(names = "--name", required = true) String name,
        @Option(names = "--plan", description = "One of the configured plans (default: the default plan).") String plan,
        @Option(names = "--max-ttl-days", paramLabel = "DAYS", description = "Longest key lifetime in this workspace.")
        Integer maxTtlDays,
        @Option(names = {"-q", "--quiet"}, description = "Print only the new workspace's id.") boolean quiet) {
      Bodies b = new Bodies(remote.spec).put("name", name).put("plan", plan).put("max_ttl_days", maxTtlDays);
      return created(remote, remote.client().send("POST", "/v1/workspaces", b.json()), quiet);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List workspaces, newest first.")
    int list(@Mixin Remote remote, @Mixin ListOptions page) {
      return page.print(remote, "/v1/workspaces", Map.of(), Views.WORKSPACE);
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a workspace.")
    int show(@Mixin Remote remote, @Parameters(paramLabel = "WS_ID") String id) {
      return remote.show(remote.client().get(path("v1", "workspaces", id), Map.of()));
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change a workspace; only the options given change.")
    int update(@Mixin Remote remote, @Parameters(paramLabel = "WS_ID") String id,
        @Option(names = "--name") String name, @Option(names = "--plan") String plan,
        @Option(names = "--max-ttl-days", paramLabel = "DAYS", description = "A number of days, or none to clear it.")
        String maxTtlDays) {
      Bodies b = new Bodies(remote.spec).put("name", name).put("plan", plan);
      if (maxTtlDays != null) {
        if (maxTtlDays.equals("none")) {
          b.json().putNull("max_ttl_days");
        } else {
          b.daysOrNone("max_ttl_days", "--max-ttl-days", maxTtlDays);
        }
      }
      if (b.isEmpty()) {
        throw b.usage("nothing to change: give --name, --plan or --max-ttl-days");
      }
      return remote.show(remote.client().send("PATCH", path("v1", "workspaces", id), b.json()));
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete a workspace with its projects, members and keys.")
    int delete(@Mixin Remote remote, @Parameters(paramLabel = "WS_ID") String id) {
      return deleted(remote, remote.client().send("DELETE", path("v1", "workspaces", id), null), "workspace " + id);
    }
  }

  @Command(name = "projects", mixinStandardHelpOptions = true, description = "Create, list, show, rename and delete projects.")
  static final class Projects {
    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a project in a workspace.")
    int create(@Mixin Remote remote, @Option(names = "--workspace", required = true, paramLabel = "WS_ID") String workspace,
        @Option(names = "--name", required = true) String name,
        @Option(names = {"-q", "--quiet"}, description = "Print only the new project's id.") boolean quiet) {
      Bodies b = new Bodies(remote.spec).put("name", name);
      return created(remote, remote.client().send("POST", path("v1", "workspaces", workspace, "projects"), b.json()), quiet);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a workspace's projects, newest first.")
    int list(@Mixin Remote remote, @Option(names = "--workspace", required = true, paramLabel = "WS_ID") String workspace,
        @Mixin ListOptions page) {
      return page.print(remote, path("v1", "workspaces", workspace, "projects"), Map.of(), Views.PROJECT);
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a project.")
    int show(@Mixin Remote remote, @Parameters(paramLabel = "PROJ_ID") String id) {
      return remote.show(remote.client().get(path("v1", "projects", id), Map.of()));
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Rename a project.")
    int update(@Mixin Remote remote, @Parameters(paramLabel = "PROJ_ID") String id,
        @Option(names = "--name", required = true) String name) {
      Bodies b = new Bodies(remote.spec).put("name", name);
      return remote.show(remote.client().send("PATCH", path("v1", "projects", id), b.json()));
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a project with its project keys.")
    int delete(@Mixin Remote remote, @Parameters(paramLabel = "PROJ_ID") String id) {
      return deleted(remote, remote.client().send("DELETE", path("v1", "projects", id), null), "project " + id);
    }
  }

  @Command(name = "users", mixinStandardHelpOptions = true, description = "Create, list, show, change and delete users.")
  static final class Users {
    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a user.")
    int create(@Mixin Remote remote, @Option(names = "--email", required = true) String email,
        @Option(names = "--name", required = true) String name,
        @Option(names = {"-q", "--quiet"}, description = "Print only the new user's id.") boolean quiet) {
      Bodies b = new Bodies(remote.spec).put("email", email).put("name", name);
      return created(remote, remote.client().send("POST", "/v1/users", b.json()), quiet);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users, newest first.")
    int list(@Mixin Remote remote, @Mixin ListOptions page) {
      return page.print(remote, "/v1/users", Map.of(), Views.USER);
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a user.")
    int show(@Mixin Remote remote, @Parameters(paramLabel = "USR_ID") String id) {
      return remote.show(remote.client().get(path("v1", "users", id), Map.of()));
    }

    @Command(name = "update", mixinStandardHelpOptions = true, description = "Change a user's email or name.")
    int update(@Mixin Remote remote, @Parameters(paramLabel = "USR_ID") String id,
        @Option(names = "--email") String email, @Option(names = "--name") String name) {
      Bodies b = new Bodies(remote.spec).put("email", email).put("name", name);
      if (b.isEmpty()) {
        throw b.usage("nothing to change: give --email or --name");
      }
      return remote.show(remote.client().send("PATCH", path("v1", "users", id), b.json()));
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a user; their keys are revoked.")
    int delete(@Mixin Remote remote, @Parameters(paramLabel = "USR_ID") String id) {
      return deleted(remote, remote.client().send("DELETE", path("v1", "users", id), null), "user " + id);
    }
  }

  @Command(name = "members", mixinStandardHelpOptions = true, description = "Who belongs to a workspace, with which role.")
  static final class Members {
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a workspace's members.")
    int list(@Mixin Remote remote, @Option(names = "--workspace", required = true, paramLabel = "WS_ID") String workspace,
        @Mixin ListOptions page) {
      return page.print(remote, path("v1", "workspaces", workspace, "members"), Map.of(), Views.MEMBER);
    }

    @Command(name = "set", aliases = "add", mixinStandardHelpOptions = true,
        description = "Add a user to a workspace, or replace their membership.")
    int set(@Mixin Remote remote, @Option(names = "--workspace", required = true, paramLabel = "WS_ID") String workspace,
        @Option(names = "--user", required = true, paramLabel = "USR_ID") String user,
        @Option(names = "--role", required = true, description = "owner, admin, member, viewer, or a configured role.")
        String role,
        @Option(names = "--projects", split = ",", paramLabel = "PROJ_ID", description = "Projects reached (default: all).")
        List<String> projects,
        @Option(names = "--default-project", paramLabel = "PROJ_ID") String defaultProject) {
      Bodies b = new Bodies(remote.spec).put("role", role).list("projects", projects)
          .put("default_project_id", defaultProject);
      return remote.show(remote.client().send("PUT", path("v1", "workspaces", workspace, "members", user), b.json()));
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a user from a workspace.")
    int remove(@Mixin Remote remote, @Option(names = "--workspace", required = true, paramLabel = "WS_ID") String workspace,
        @Option(names = "--user", required = true, paramLabel = "USR_ID") String user) {
      return deleted(remote, remote.client().send("DELETE", path("v1", "workspaces", workspace, "members", user), null),
          "membership of " + user + " in " + workspace);
    }
  }
}
