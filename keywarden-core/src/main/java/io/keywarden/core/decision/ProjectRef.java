package io.keywarden.core.decision;

/** The part of a project the decision engine needs: its id and its workspace. */
public record ProjectRef(String id, String workspaceId) {}
