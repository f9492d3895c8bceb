package io.keywarden.demo.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the demo upstream knows of its tenants: the workspaces and their projects, mirrored from
 * what the demo created in Keywarden (a real API owns this data in its own database, and
 * Keywarden's tenancy mirrors it). Thread-safe; written by the demo set-up, read by the event loop.
 */
public final class DemoData {
  /** A project of a workspace. */
  public record Project(String id, String workspaceId, String name) {}

  private final Map<String, List<Project>> projectsByWorkspace = new ConcurrentHashMap<>();
  private final Map<String, Project> projects = new ConcurrentHashMap<>();

  /** Records a project. */
  public void addProject(String workspaceId, String projectId, String name) {
    Project p = new Project(projectId, workspaceId, name);
    projects.put(projectId, p);
    projectsByWorkspace.computeIfAbsent(workspaceId, w -> new CopyOnWriteArrayList<>()).add(p);
  }

  /** The projects of a workspace, in creation order. */
  public List<Project> projects(String workspaceId) {
    return workspaceId == null ? List.of() : new ArrayList<>(projectsByWorkspace.getOrDefault(workspaceId, List.of()));
  }

  /** The project of this id when it belongs to the workspace, else {@code null}. */
  public Project project(String workspaceId, String projectId) {
    Project p = projectId == null ? null : projects.get(projectId);
    return p != null && p.workspaceId().equals(workspaceId) ? p : null;
  }
}
