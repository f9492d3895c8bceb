package io.keywarden.core.routes;

import io.keywarden.core.decision.ProjectSelection;
import io.keywarden.core.keys.KeyType;
import io.keywarden.core.scopes.ScopeRequirement;
import io.keywarden.core.scopes.ScopeVocabulary;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One gateway route: which requests it matches (methods, host, path pattern) and what it demands
 * of them before they are proxied.
 *
 * <p>Build routes with {@link #builder(String, ScopeVocabulary)}: it checks each setting as it is
 * made and names it in every error as the configuration file spells it ({@code routes[3].path},
 * {@code routes[3].key_types}, {@code routes[3].abilities.create}, ...), and it compiles the
 * required scopes against the deployment's vocabulary, so an unknown scope fails the
 * configuration, not a request. The canonical constructor checks only invariants.
 *
 * @param id a stable name for logs and metrics; defaults to the setting, e.g. {@code routes[3]}
 * @param methods the accepted methods; {@link MethodSet#ANY} for all. {@code HEAD} also matches
 *     routes that accept {@code GET} (see {@link RouteTable})
 * @param host the host the route is limited to, or {@link HostPattern#ANY}
 * @param path the path pattern
 * @param authentication whether a key is required, optional or ignored
 * @param keyTypes the key types accepted; {@link KeyType#PUBLISHABLE} exactly on public routes
 * @param scopes the scopes required, per method
 * @param project how the request selects its project
 * @param upstream the name of the upstream requests are proxied to
 * @param errorStyle the name of the error style denials are answered in: {@value
 *     #ERROR_STYLE_ENVELOPE}, {@value #ERROR_STYLE_PROBLEM}, {@value #ERROR_STYLE_TEXT}, or a
 *     style the configuration defines
 * @param group the route group that rate limits and quotas apply to
 * @param credentials where the key is looked for, in order
 * @param stripCredential whether the credential is removed before proxying
 */
public record Route(
    String id,
    MethodSet methods,
    HostPattern host,
    PathPattern path,
    Authentication authentication,
    Set<KeyType> keyTypes,
    RouteScopes scopes,
    ProjectRule project,
    String upstream,
    String errorStyle,
    String group,
    List<CredentialSource> credentials,
    boolean stripCredential) {

  /** The upstream of a route that names none. */
  public static final String DEFAULT_UPSTREAM = "default";
  /** {@code {"error": {"code", "message"}}}; the default. */
  public static final String ERROR_STYLE_ENVELOPE = "envelope";
  /** RFC 9457 {@code application/problem+json}. */
  public static final String ERROR_STYLE_PROBLEM = "problem";
  /** Plain-text bodies per status, e.g. NomaCMS's {@code Project not found.}. */
  public static final String ERROR_STYLE_TEXT = "text";
  /** The rate-limit group of a route that names none. */
  public static final String DEFAULT_GROUP = "default";
  /** Where keys are looked for by default: {@code Authorization: Bearer}. */
  public static final List<CredentialSource> DEFAULT_CREDENTIALS =
      List.of(CredentialSource.bearer());

  public Route {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(methods, "methods");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(authentication, "authentication");
    Objects.requireNonNull(scopes, "scopes");
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(errorStyle, "errorStyle");
    Objects.requireNonNull(group, "group");
    if (keyTypes.isEmpty()) {
      throw new IllegalArgumentException("route " + id + " accepts no key type");
    }
    keyTypes = Collections.unmodifiableSet(EnumSet.copyOf(keyTypes));
    credentials = List.copyOf(credentials);
    if (credentials.isEmpty() && authentication != Authentication.NONE) {
      throw new IllegalArgumentException("route " + id + " has no credential source");
    }
    if (project.source() == ProjectRule.Source.PATH_PARAMETER
        && !path.hasSegmentParameter(project.name())) {
      throw new IllegalArgumentException("route " + id + ": project parameter {" + project.name()
          + "} is not a parameter of " + path);
    }
  }

  /** Whether publishable keys are accepted (the route serves public data). */
  public boolean isPublic() {
    return keyTypes.contains(KeyType.PUBLISHABLE);
  }

  /** Whether keys of {@code type} are accepted. */
  public boolean accepts(KeyType type) {
    return keyTypes.contains(type);
  }

  /** The scopes a request with {@code method} needs. */
  public ScopeRequirement requirementFor(String method) {
    return scopes.requirementFor(method);
  }

  /**
   * A builder whose errors name settings under {@code setting}.
   *
   * @param setting the route's place in the configuration, e.g. {@code routes[3]}
   * @param vocabulary the scopes that required scopes are checked and compiled against
   */
  public static Builder builder(String setting, ScopeVocabulary vocabulary) {
    return new Builder(setting, vocabulary);
  }

  /**
   * Builds a {@link Route}, checking each setting when it is made; cross-setting rules are
   * checked by {@link #build()}. Every error is a {@link RouteConfigException} naming the setting.
   */
  public static final class Builder {
    private final String setting;
    private final ScopeVocabulary vocabulary;
    private String id;
    private MethodSet methods = MethodSet.ANY;
    private HostPattern host = HostPattern.ANY;
    private PathPattern path;
    private Authentication authentication = Authentication.REQUIRED;
    private Set<KeyType> keyTypes;
    private Boolean publicRoute;
    private List<List<String>> scopes;
    private final Map<String, List<List<String>>> scopesByMethod = new LinkedHashMap<>();
    private Map<MethodClass, String> abilities;
    private ProjectRule project = ProjectRule.NONE;
    private String upstream = DEFAULT_UPSTREAM;
    private String errorStyle = ERROR_STYLE_ENVELOPE;
    private String group = DEFAULT_GROUP;
    private List<CredentialSource> credentials = DEFAULT_CREDENTIALS;
    private boolean stripCredential = true;

    private Builder(String setting, ScopeVocabulary vocabulary) {
      this.setting = Objects.requireNonNull(setting, "setting");
      this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
    }

    private String at(String field) {
      return setting + "." + field;
    }

    /** A stable name for logs and metrics (visible ASCII, no spaces or quotes, at most 100). */
    public Builder id(String id) {
      if (!RouteNames.isRouteId(id)) {
        throw new RouteConfigException(at("id"), "must be 1 to 100 visible characters without"
            + " spaces or quotes, was \"" + id + "\"");
      }
      this.id = id;
      return this;
    }

    /** The accepted methods; none means every method. */
    public Builder methods(String... methods) {
      return methods(List.of(methods));
    }

    /** The accepted methods; an empty collection means every method. */
    public Builder methods(Collection<String> methods) {
      this.methods = MethodSet.of(methods, at("methods"));
      return this;
    }

    /** Limits the route to a host ({@code api.example.com} or {@code *.example.com}); null: any. */
    public Builder host(String host) {
      this.host = host == null ? HostPattern.ANY : HostPattern.parse(host, at("host"));
      return this;
    }

    /** The path pattern; see {@link PathPattern}. Required. */
    public Builder path(String pattern) {
      this.path = PathPattern.parse(pattern, at("path"));
      return this;
    }

    /** Whether a key is required (default), optional or ignored. */
    public Builder authentication(Authentication authentication) {
      this.authentication = Objects.requireNonNull(authentication, "authentication");
      return this;
    }

    /**
     * The accepted key types. Default: secret keys, plus publishable keys on a {@link
     * #publicRoute public} route.
     */
    public Builder keyTypes(KeyType... types) {
      return keyTypes(List.of(types));
    }

    /** The accepted key types; see {@link #keyTypes(KeyType...)}. */
    public Builder keyTypes(Collection<KeyType> types) {
      if (types.isEmpty()) {
        throw new RouteConfigException(at("key_types"), "must name at least one key type");
      }
      this.keyTypes = EnumSet.copyOf(types);
      return this;
    }

    /** Whether publishable keys are accepted (public data, as Metorial's {@code _pk_} keys). */
    public Builder publicRoute(boolean isPublic) {
      this.publicRoute = isPublic;
      return this;
    }

    /** Requires all of {@code scopes} for every method not given its own requirement. */
    public Builder scopes(String... allOf) {
      return scopesAnyOf(allOf.length == 0 ? List.of() : List.of(List.of(allOf)));
    }

    /**
     * Requires one of the alternatives (each a set of scopes that must all be granted) for every
     * method not given its own requirement. An empty list requires nothing.
     */
    public Builder scopesAnyOf(List<List<String>> alternatives) {
      this.scopes = checkAlternatives(alternatives, at("scopes"));
      return this;
    }

    /** Requires all of {@code scopes} for {@code method}. */
    public Builder scopesFor(String method, String... allOf) {
      return scopesFor(method, allOf.length == 0 ? List.of() : List.of(List.of(allOf)));
    }

    /** Requires one of the alternatives for {@code method}; an empty list requires nothing. */
    public Builder scopesFor(String method, List<List<String>> alternatives) {
      String m = MethodSet.of(List.of(method), at("scopes_by_method")).names().iterator().next();
      String field = at("scopes_by_method." + m);
      if (scopesByMethod.containsKey(m)) {
        throw new RouteConfigException(field, "is given twice");
      }
      scopesByMethod.put(m, checkAlternatives(alternatives, field));
      return this;
    }

    /**
     * The abilities shorthand: one scope per method class, keys {@code read} (GET, HEAD),
     * {@code create} (POST), {@code update} (PUT, PATCH), {@code delete} (DELETE). Without
     * explicit {@link #methods}, the route accepts exactly the methods of the classes given; with
     * them, every declared method must belong to a given class. Not combined with {@link
     * #scopes} or {@link #scopesFor}.
     */
    public Builder abilities(Map<String, String> scopeByClass) {
      if (scopeByClass.isEmpty()) {
        throw new RouteConfigException(at("abilities"), "must name at least one method class");
      }
      Map<MethodClass, String> out = new EnumMap<>(MethodClass.class);
      for (Map.Entry<String, String> e : scopeByClass.entrySet()) {
        MethodClass c = MethodClass.fromWire(e.getKey());
        if (c == null) {
          throw new RouteConfigException(at("abilities"), "unknown method class \"" + e.getKey()
              + "\"; use read, create, update or delete");
        }
        checkScope(e.getValue(), at("abilities." + c.wireName()));
        out.put(c, e.getValue());
      }
      this.abilities = out;
      return this;
    }

    /** How the request selects its project; {@link ProjectRule#NONE} by default. */
    public Builder project(ProjectRule rule) {
      Objects.requireNonNull(rule, "rule");
      if (rule.source() == ProjectRule.Source.HEADER) {
        return projectFromHeader(rule.selection(), rule.name());
      }
      if (rule.source() == ProjectRule.Source.PATH_PARAMETER) {
        return projectFromPathParameter(rule.name());
      }
      this.project = rule;
      return this;
    }

    /** The project id from a header, e.g. {@code project-id} or {@code X-Nodion-Project}. */
    public Builder projectFromHeader(ProjectSelection selection, String header) {
      Objects.requireNonNull(selection, "selection");
      if (!selection.isSelection()) {
        throw new RouteConfigException(at("project.selection"),
            "must be optional, required or default_fallback when a header is given");
      }
      if (!RouteNames.isHeaderName(header)) {
        throw new RouteConfigException(at("project.header"),
            "\"" + header + "\" is not a valid header name");
      }
      this.project = ProjectRule.header(selection, header);
      return this;
    }

    /**
     * The project id from a path parameter of the pattern: the project is the request's resource
     * ({@link ProjectSelection#RESOURCE}), required, and binding project keys too.
     */
    public Builder projectFromPathParameter(String parameter) {
      if (parameter == null || parameter.isEmpty()) {
        throw new RouteConfigException(at("project.path_parameter"), "must not be empty");
      }
      this.project = ProjectRule.pathParameter(parameter);
      return this;
    }

    /** The upstream requests go to; {@value Route#DEFAULT_UPSTREAM} by default. */
    public Builder upstream(String name) {
      this.upstream = checkReference(name, at("upstream"));
      return this;
    }

    /** The error style name; {@value Route#ERROR_STYLE_ENVELOPE} by default. */
    public Builder errorStyle(String name) {
      this.errorStyle = checkReference(name, at("error_style"));
      return this;
    }

    /** The rate-limit group; {@value Route#DEFAULT_GROUP} by default. */
    public Builder group(String name) {
      this.group = checkReference(name, at("group"));
      return this;
    }

    /** Where keys are looked for, in order; {@code Authorization: Bearer} by default. */
    public Builder credentials(CredentialSource... sources) {
      return credentials(List.of(sources));
    }

    /** Where keys are looked for, in order. */
    public Builder credentials(List<CredentialSource> sources) {
      if (sources.isEmpty()) {
        throw new RouteConfigException(at("credentials"), "must name at least one source");
      }
      Set<CredentialSource> seen = new LinkedHashSet<>();
      for (int i = 0; i < sources.size(); i++) {
        CredentialSource s = Objects.requireNonNull(sources.get(i), "credential source");
        CredentialSource checked =
            CredentialSource.of(s.kind(), s.name(), at("credentials[" + i + "]"));
        CredentialSource key = new CredentialSource(
            checked.kind(), checked.kind() == CredentialSource.Kind.QUERY
                ? checked.name() : checked.name().toLowerCase(Locale.ROOT));
        if (!seen.add(key)) {
          throw new RouteConfigException(at("credentials[" + i + "]"), "duplicates an earlier"
              + " source (" + s + ")");
        }
      }
      this.credentials = List.copyOf(sources);
      return this;
    }

    /** Whether the credential is removed before proxying; {@code true} by default. */
    public Builder stripCredential(boolean strip) {
      this.stripCredential = strip;
      return this;
    }

    /**
     * Checks the settings against each other and builds the route.
     *
     * @throws RouteConfigException naming the setting at fault
     */
    public Route build() {
      if (path == null) {
        throw new RouteConfigException(at("path"), "is required");
      }
      MethodSet m = methods;
      RouteScopes compiled;
      if (abilities != null) {
        if (scopes != null) {
          throw new RouteConfigException(at("abilities"), "cannot be combined with scopes");
        }
        if (!scopesByMethod.isEmpty()) {
          throw new RouteConfigException(at("abilities"),
              "cannot be combined with scopes_by_method");
        }
        Map<String, ScopeRequirement> byMethod = new LinkedHashMap<>();
        abilities.forEach((c, scope) -> {
          ScopeRequirement r = vocabulary.requireAll(List.of(scope));
          c.methods().forEach(method -> byMethod.put(method, r));
        });
        if (m.isAny()) {
          m = MethodSet.of(byMethod.keySet(), at("methods"));
        } else {
          for (String method : m.names()) {
            if (!byMethod.containsKey(method)) {
              throw new RouteConfigException(at("abilities"), noAbility(method));
            }
          }
        }
        compiled = RouteScopes.perMethod(byMethod, ScopeRequirement.NONE);
      } else {
        Map<String, ScopeRequirement> byMethod = new LinkedHashMap<>();
        for (Map.Entry<String, List<List<String>>> e : scopesByMethod.entrySet()) {
          String method = e.getKey();
          boolean viaGet = method.equals("HEAD") && m.contains("GET");
          if (!m.contains(method) && !viaGet) {
            throw new RouteConfigException(at("scopes_by_method." + method),
                "the route does not accept " + method + " (methods: " + m + ")");
          }
          byMethod.put(method, vocabulary.requireAny(e.getValue()));
        }
        ScopeRequirement otherwise =
            scopes == null ? ScopeRequirement.NONE : vocabulary.requireAny(scopes);
        compiled = RouteScopes.perMethod(byMethod, otherwise);
      }
      if (authentication != Authentication.REQUIRED && !compiled.isNone()) {
        throw new RouteConfigException(at(abilities != null ? "abilities" : "scopes"),
            "a route with authentication " + authentication.wireName()
                + " cannot require scopes (an anonymous caller would get more than a keyed one)");
      }
      if (authentication == Authentication.NONE && project.isScoped()) {
        throw new RouteConfigException(at("project.selection"),
            "a route with authentication none cannot select a project");
      }
      if (project.source() == ProjectRule.Source.PATH_PARAMETER
          && !path.hasSegmentParameter(project.name())) {
        throw new RouteConfigException(at("project.path_parameter"), "\"" + project.name()
            + "\" is not a single-segment parameter of " + path);
      }
      Set<KeyType> types = resolveKeyTypes();
      return new Route(id == null ? setting : id, m, host, path, authentication, types, compiled,
          project, upstream, errorStyle, group, credentials, stripCredential);
    }

    private Set<KeyType> resolveKeyTypes() {
      if (keyTypes == null) {
        return Boolean.TRUE.equals(publicRoute)
            ? EnumSet.of(KeyType.SECRET, KeyType.PUBLISHABLE)
            : EnumSet.of(KeyType.SECRET);
      }
      boolean publishable = keyTypes.contains(KeyType.PUBLISHABLE);
      if (publicRoute != null && publicRoute && !publishable) {
        throw new RouteConfigException(at("public"), "a public route must accept publishable"
            + " keys, but key_types is " + wireNames(keyTypes));
      }
      if (publicRoute != null && !publicRoute && publishable) {
        throw new RouteConfigException(at("key_types"), "publishable keys are accepted only on"
            + " public routes, but public is false");
      }
      return keyTypes;
    }

    private static String wireNames(Set<KeyType> types) {
      List<String> names = new ArrayList<>();
      types.forEach(t -> names.add(t.wireName()));
      return names.toString();
    }

    private static String noAbility(String method) {
      for (MethodClass c : MethodClass.values()) {
        if (c.methods().contains(method)) {
          return "no ability for " + method + "; give " + c.wireName();
        }
      }
      return method + " belongs to no method class (read, create, update, delete); remove it"
          + " from methods or use scopes_by_method";
    }

    private List<List<String>> checkAlternatives(List<List<String>> alternatives, String field) {
      Objects.requireNonNull(alternatives, field);
      List<List<String>> out = new ArrayList<>();
      for (int i = 0; i < alternatives.size(); i++) {
        List<String> alt = alternatives.get(i);
        if (alt == null || alt.isEmpty()) {
          throw new RouteConfigException(field, "alternative " + (i + 1) + " names no scope");
        }
        for (String s : alt) {
          checkScope(s, field);
        }
        out.add(List.copyOf(alt));
      }
      return List.copyOf(out);
    }

    private void checkScope(String scope, String field) {
      if (scope == null || !vocabulary.isDefined(scope)) {
        throw new RouteConfigException(field, "unknown scope \"" + scope + "\" (defined: "
            + String.join(", ", vocabulary.names()) + ")");
      }
    }

    private static String checkReference(String name, String field) {
      if (!RouteNames.isReferenceName(name)) {
        throw new RouteConfigException(field, "must be a name of lower-case letters, digits and"
            + " '_', '.', '-', was \"" + name + "\"");
      }
      return name;
    }
  }
}
