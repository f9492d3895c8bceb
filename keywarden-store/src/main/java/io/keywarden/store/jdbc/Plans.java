package io.keywarden.store.jdbc;

import io.keywarden.core.errors.KeywardenException;
import io.keywarden.store.Actor;
import io.keywarden.store.StoredPlan;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The {@code plans} table: rate-limit plans managed through the API. */
final class Plans {
  private static final String SELECT = "SELECT name, policies, created_at, updated_at FROM plans";

  private final AuditLog audit;

  Plans(AuditLog audit) {
    this.audit = audit;
  }

  List<StoredPlan> list(Tx tx) throws SQLException {
    return tx.list(SELECT + " ORDER BY name", Plans::map);
  }

  io.keywarden.store.Page<StoredPlan> page(Tx tx, io.keywarden.store.PageRequest page)
      throws SQLException {
    return Pager.page(tx, new Pager.Query<>(SELECT, "name", Plans::map, StoredPlan::name), page);
  }

  Optional<StoredPlan> find(Tx tx, String name) throws SQLException {
    return tx.one(SELECT + " WHERE name = ?", Plans::map, name);
  }

  StoredPlan put(Tx tx, String name, String policies, Actor actor) throws SQLException {
    Optional<StoredPlan> old = tx.one(SELECT + " WHERE name = ?" + tx.dialect().forUpdate(),
        Plans::map, name);
    if (old.isPresent()) {
      tx.update("UPDATE plans SET policies = ?, updated_at = ? WHERE name = ?", policies, tx.now(), name);
    } else {
      tx.update("INSERT INTO plans (name, policies, created_at, updated_at) VALUES (?, ?, ?, ?)",
          name, policies, tx.now(), tx.now());
    }
    audit.append(tx, actor, old.isPresent() ? "plan.updated" : "plan.created", "plan", name, null,
        Json.object("policies", Json.tree(policies)));
    tx.onCommit(l -> l.plansChanged());
    return find(tx, name).orElseThrow();
  }

  void delete(Tx tx, String name, Actor actor) throws SQLException {
    if (!tx.exists("SELECT name FROM plans WHERE name = ?" + tx.dialect().forUpdate(), name)) {
      throw KeywardenException.notFound("Plan");
    }
    if (Workspaces.planInUse(tx, name)) {
      throw KeywardenException.conflict("name",
          "Plan \"" + name + "\" is in use by at least one workspace; move its workspaces to another plan first.");
    }
    tx.update("DELETE FROM plans WHERE name = ?", name);
    audit.append(tx, actor, "plan.deleted", "plan", name, null, "{}");
    tx.onCommit(l -> l.plansChanged());
  }

  List<String> seed(Tx tx, Map<String, String> policiesByName, Actor actor) throws SQLException {
    List<String> added = new ArrayList<>();
    for (var e : new TreeMap<>(policiesByName).entrySet()) {
      // Nodes of a cluster may seed at the same time: the first insert wins, the others add nothing.
      int inserted = tx.update("INSERT INTO plans (name, policies, created_at, updated_at)"
          + " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING", e.getKey(), e.getValue(), tx.now(), tx.now());
      if (inserted == 0) {
        continue;
      }
      audit.append(tx, actor, "plan.created", "plan", e.getKey(), null,
          Json.object("policies", Json.tree(e.getValue()), "source", "configuration"));
      added.add(e.getKey());
    }
    if (!added.isEmpty()) {
      tx.onCommit(l -> l.plansChanged());
    }
    return added;
  }

  private static StoredPlan map(ResultSet rs) throws SQLException {
    return new StoredPlan(rs.getString("name"), rs.getString("policies"),
        Tx.instant(rs, "created_at"), Tx.instant(rs, "updated_at"));
  }
}
