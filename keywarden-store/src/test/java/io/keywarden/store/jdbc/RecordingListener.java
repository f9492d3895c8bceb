package io.keywarden.store.jdbc;

import io.keywarden.core.keys.KeyHash;
import io.keywarden.store.StoreListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/** A listener that records what it hears as short strings such as {@code key:key_…}. */
final class RecordingListener implements StoreListener {
  private final List<String> heard = new CopyOnWriteArrayList<>();
  private volatile BiConsumer<String, KeyHash> onKey = (id, hash) -> {};

  List<String> heard() {
    return List.copyOf(heard);
  }

  void clear() {
    heard.clear();
    onKey = (id, hash) -> {};
  }

  /** Runs {@code action} inside {@link #keyChanged}, as a cache would. */
  void onKeyChanged(BiConsumer<String, KeyHash> action) {
    onKey = action;
  }

  @Override
  public void keyChanged(String keyId, KeyHash hash) {
    heard.add("key:" + keyId);
    onKey.accept(keyId, hash);
  }

  @Override
  public void userChanged(String userId) {
    heard.add("user:" + userId);
  }

  @Override
  public void membershipChanged(String workspaceId, String userId) {
    heard.add("membership:" + workspaceId + "/" + userId);
  }

  @Override
  public void projectChanged(String projectId) {
    heard.add("project:" + projectId);
  }

  @Override
  public void workspaceChanged(String workspaceId) {
    heard.add("workspace:" + workspaceId);
  }

  @Override
  public void plansChanged() {
    heard.add("plans");
  }
}
