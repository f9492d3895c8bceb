/**
 * The tenancy model: workspaces (accounts on a plan), their projects, users, and memberships
 * that give a user a role in a workspace and a reach over its projects.
 */
package io.keywarden.core.tenancy;
