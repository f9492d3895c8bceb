package io.keywarden.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.keywarden.core.keys.KeyFormat;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the server is and which operator key to present, resolved from, in order: the flags
 * {@code --url} and {@code --token}; the profile named by {@code --profile} (or
 * {@code KEYWARDEN_PROFILE}); the variables {@code KEYWARDEN_URL} and {@code KEYWARDEN_TOKEN};
 * the profile file's {@code default} profile; and for the address, {@value #DEFAULT_URL}.
 *
 * <p>The profile file is {@code $KEYWARDEN_CLI_CONFIG}, else
 * {@code $XDG_CONFIG_HOME/keywarden/config.yaml}, else {@code ~/.config/keywarden/config.yaml}:
 *
 * <pre>
 * default: local
 * profiles:
 *   local: {url: http://127.0.0.1:8081, token: kw_op_...}
 *   prod:  {url: https://keys.example.com, token_file: /run/secrets/keywarden}
 * </pre>
 *
 * <p>{@link #toString()} never shows the token.
 *
 * @param url the API's address, without {@code /v1}
 * @param token the operator key
 * @param warnings things the user should know (a profile file others can read), or none
 */
public record Connection(URI url, String token, List<String> warnings) {
  public static final String DEFAULT_URL = "http://127.0.0.1:8081";
  private static final Set<String> TOP_LEVEL = Set.of("default", "profiles");
  private static final Set<String> PROFILE_FIELDS = Set.of("url", "token", "token_file", "token_env");

  /** The flags of the command line; each may be {@code null}. */
  public record Flags(String url, String token, String profile) {}

  /**
   * Resolves the connection.
   *
   * @param env the process environment
   * @param home the user's home directory
   * @throws SettingsException naming the problem: unreadable or malformed profile file, unknown
   *     profile, bad URL, no operator key anywhere
   */
  public static Connection resolve(Flags flags, Map<String, String> env, Path home) {
    List<String> warnings = new ArrayList<>();
    Path file = profileFile(env, home);
    String profileName = flags.profile() != null ? flags.profile() : blankToNull(env.get("KEYWARDEN_PROFILE"));
    JsonNode profiles = Files.exists(file) ? read(file, warnings) : null;
    JsonNode chosen = null;
    if (profileName != null) {
      if (profiles == null) {
        throw new SettingsException("profile \"" + profileName + "\" asked for, but there is no profile file " + file);
      }
      chosen = profiles.path("profiles").get(profileName);
      if (chosen == null) {
        throw new SettingsException("no profile \"" + profileName + "\" in " + file + " (profiles: "
            + names(profiles.path("profiles")) + ")");
      }
    }
    JsonNode fallback = null;
    if (profiles != null && profiles.hasNonNull("default")) {
      String name = profiles.get("default").asText();
      fallback = profiles.path("profiles").get(name);
      if (fallback == null) {
        throw new SettingsException(file + ": default names profile \"" + name + "\", which is not under profiles");
      }
    }
    String url = first(flags.url(), text(chosen, "url"), blankToNull(env.get("KEYWARDEN_URL")), text(fallback, "url"),
        DEFAULT_URL);
    String token = first(flags.token(), token(chosen, env, file, home), blankToNull(env.get("KEYWARDEN_TOKEN")),
        token(fallback, env, file, home));
    if (token == null) {
      throw new SettingsException("no operator key: set KEYWARDEN_TOKEN, pass --token, or add a profile to " + file);
    }
    return new Connection(parseUrl(url), token.strip(), List.copyOf(warnings));
  }

  /** The profile file this environment points to (it may not exist). */
  public static Path profileFile(Map<String, String> env, Path home) {
    String explicit = blankToNull(env.get("KEYWARDEN_CLI_CONFIG"));
    if (explicit != null) {
      return Path.of(explicit);
    }
    String xdg = blankToNull(env.get("XDG_CONFIG_HOME"));
    Path base = xdg != null ? Path.of(xdg) : home.resolve(".config");
    return base.resolve("keywarden").resolve("config.yaml");
  }

  @Override
  public String toString() {
    return "Connection[url=" + url + ", token=(hidden)]";
  }

  private static JsonNode read(Path file, List<String> warnings) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new SettingsException("cannot read the profile file " + file + ": " + firstLine(e.getMessage()));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new SettingsException("the profile file " + file + " is empty");
    }
    if (!root.isObject()) {
      throw new SettingsException(file + ": expected a mapping with default and profiles");
    }
    root.fieldNames().forEachRemaining(f -> {
      if (!TOP_LEVEL.contains(f)) {
        throw new SettingsException(file + ": unknown setting \"" + f + "\" (known: default, profiles)");
      }
    });
    JsonNode profiles = root.path("profiles");
    if (!profiles.isMissingNode() && !profiles.isObject()) {
      throw new SettingsException(file + ": profiles must be a mapping of names to {url, token}");
    }
    profiles.fields().forEachRemaining(e -> {
      if (!e.getValue().isObject()) {
        throw new SettingsException(file + ": profiles." + e.getKey() + " must be a mapping such as {url, token}");
      }
      e.getValue().fieldNames().forEachRemaining(f -> {
        if (!PROFILE_FIELDS.contains(f)) {
          throw new SettingsException(file + ": unknown setting profiles." + e.getKey() + "." + f
              + " (known: url, token, token_file, token_env)");
        }
      });
      if (e.getValue().hasNonNull("token")) {
        warnIfShared(file, warnings);
      }
    });
    return root;
  }

  private static void warnIfShared(Path file, List<String> warnings) {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
        String w = file + " holds an operator key and others can read it; run: chmod 600 " + file;
        if (!warnings.contains(w)) {
          warnings.add(w);
        }
      }
    } catch (IOException | UnsupportedOperationException e) {
      // not a POSIX file system: nothing to check
    }
  }

  private static String token(JsonNode profile, Map<String, String> env, Path file, Path home) {
    if (profile == null) {
      return null;
    }
    String direct = text(profile, "token");
    if (direct != null) {
      return direct;
    }
    String fromFile = text(profile, "token_file");
    if (fromFile != null) {
      Path p = fromFile.startsWith("~/") ? home.resolve(fromFile.substring(2)) : Path.of(fromFile);
      try {
        return blankToNull(Files.readString(p).strip());
      } catch (IOException e) {
        throw new SettingsException(file + ": cannot read token_file " + p + ": " + e.getClass().getSimpleName());
      }
    }
    String variable = text(profile, "token_env");
    return variable == null ? null : blankToNull(env.get(variable));
  }

  private static URI parseUrl(String url) {
    String u = url.strip();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    if (u.endsWith("/v1")) {
      u = u.substring(0, u.length() - 3);
    }
    try {
      URI uri = new URI(u);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new SettingsException("the URL must be http:// or https:// with a host, such as " + DEFAULT_URL
            + "; got " + url);
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new SettingsException("not a URL: " + url);
    }
  }

  private static String text(JsonNode node, String field) {
    return node == null || !node.hasNonNull(field) ? null : blankToNull(node.get(field).asText());
  }

  @SafeVarargs
  private static <T> T first(T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String names(JsonNode profiles) {
    List<String> n = new ArrayList<>();
    profiles.fieldNames().forEachRemaining(n::add);
    return n.isEmpty() ? "none" : String.join(", ", n);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return KeyFormat.redact(nl < 0 ? s : s.substring(0, nl));
  }
}
