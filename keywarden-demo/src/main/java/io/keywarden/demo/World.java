package io.keywarden.demo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a demo created: ids by name ({@code workspace}, {@code project.web}, {@code user.ada}) and
 * keys by name, each with the secret shown once at creation.
 */
public final class World {
  private final Map<String, String> ids = new LinkedHashMap<>();
  private final Map<String, Management.Key> keys = new LinkedHashMap<>();

  /** Records an id. */
  public String put(String name, String id) {
    ids.put(name, id);
    return id;
  }

  /** Records a key. */
  public Management.Key put(String name, Management.Key key) {
    keys.put(name, key);
    return key;
  }

  /** The id of this name; fails loudly when the demo made none. */
  public String id(String name) {
    String id = ids.get(name);
    if (id == null) {
      throw new IllegalArgumentException("the demo made no " + name + " (made: " + ids.keySet() + ")");
    }
    return id;
  }

  /** The key of this name. */
  public Management.Key key(String name) {
    Management.Key k = keys.get(name);
    if (k == null) {
      throw new IllegalArgumentException("the demo made no key " + name + " (made: " + keys.keySet() + ")");
    }
    return k;
  }

  /** The secret of the key of this name. */
  public String secret(String name) {
    return key(name).secret();
  }

  public Map<String, String> ids() {
    return Collections.unmodifiableMap(ids);
  }

  public Map<String, Management.Key> keys() {
    return Collections.unmodifiableMap(keys);
  }
}
