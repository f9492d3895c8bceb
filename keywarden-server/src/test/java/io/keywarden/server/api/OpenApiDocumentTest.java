package io.keywarden.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keywarden.core.scopes.ScopeVocabulary;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.store.Actor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document served at {@code GET /v1/openapi.json}, checked against the real server so
 * that it cannot drift: the same routes (every route {@link ApiRouter} mounts, the health checks
 * included), the scope each operation really needs, request fields the server really accepts, and
 * the conventions every operation follows (operation ids, bearer security, error responses).
 *
 * <p>What it cannot see: a request field the server accepts but the document leaves out (the
 * servers' field lists are private to each endpoint class).
 */
class OpenApiDocumentTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");
  /** Operations anyone may call: no operator key. */
  private static final Set<String> PUBLIC = Set.of("GET /healthz", "GET /readyz", "GET /v1/openapi.json");

  @TempDir static Path dir;
  static ServerHarness h;
  static JsonNode doc;
  /** "METHOD /path" to its operation object, in document order. */
  static Map<String, JsonNode> operations = new LinkedHashMap<>();

  @BeforeAll
  static void start() {
    h = new ServerHarness(dir);
    var r = h.call("GET", "/v1/openapi.json").send();
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    doc = r.json;
    doc.get("paths").properties().forEach(path -> path.getValue().properties().forEach(m -> {
      if (METHODS.contains(m.getKey())) {
        operations.put(m.getKey().toUpperCase() + " " + path.getKey(), m.getValue());
      }
    }));
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  @Test
  void documentIsServedWithoutAKeyAsJsonAsPackagedButForItsServer() throws IOException {
    var r = h.call("GET", "/v1/openapi.json").send();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).startsWith("application/json");
    try (InputStream in = ApiRouter.class.getResourceAsStream("/openapi.json")) {
      assertThat(in).as("openapi.json on the classpath").isNotNull();
      var packaged = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(in);
      var served = ((com.fasterxml.jackson.databind.node.ObjectNode) r.json).deepCopy();
      packaged.remove("servers");
      served.remove("servers");
      assertThat(served).isEqualTo(packaged);
    }
  }

  @Test
  void theServersEntryNamesTheAddressThisNodeListensOn() {
    var r = h.call("GET", "/v1/openapi.json").send();
    assertThat(r.json.get("servers")).hasSize(1);
    assertThat(r.json.at("/servers/0/url").asText()).isEqualTo("http://127.0.0.1:" + h.server.apiPort());
  }

  @Test
  void declaresOpenApi31() {
    assertThat(doc.path("openapi").asText()).matches("3\\.1\\.\\d+");
    assertThat(doc.path("info").path("title").asText()).isNotBlank();
    assertThat(doc.path("info").path("version").asText()).isNotBlank();
  }

  @Test
  void pathsAreExactlyTheMountedRoutes() {
    List<String> mounted = h.server.api().routeDescriptions();
    assertThat(mounted).as("each route is mounted once").doesNotHaveDuplicates();
    assertThat(new TreeSet<>(operations.keySet())).isEqualTo(new TreeSet<>(mounted));
  }

  @Test
  void everyOperationHasAUniqueOperationId() {
    Set<String> ids = new HashSet<>();
    operations.forEach((route, op) -> {
      String id = op.path("operationId").asText("");
      assertThat(id).as(route).matches("[a-z][A-Za-z0-9]+");
      assertThat(ids.add(id)).as("operationId %s of %s is unique", id, route).isTrue();
    });
  }

  @Test
  void authenticatedOperationsNeedAnOperatorKeyWithOneKnownScope() {
    ScopeVocabulary operatorScopes = h.server.keywarden().model().operatorScopes();
    JsonNode scheme = doc.at("/components/securitySchemes/operatorKey");
    assertThat(scheme.path("type").asText()).isEqualTo("http");
    assertThat(scheme.path("scheme").asText()).isEqualTo("bearer");
    for (String s : operatorScopes.names()) {
      assertThat(scheme.path("description").asText()).as("the scheme lists scope %s", s).contains("`" + s + "`");
    }
    operations.forEach((route, op) -> {
      JsonNode security = op.get("security");
      assertThat(security).as("%s declares its security", route).isNotNull();
      if (PUBLIC.contains(route)) {
        assertThat(security.isArray() && security.isEmpty()).as("%s needs no key", route).isTrue();
        return;
      }
      assertThat(security.size()).as(route).isEqualTo(1);
      JsonNode scopes = security.get(0).get("operatorKey");
      assertThat(scopes).as("%s uses the operatorKey scheme", route).isNotNull();
      assertThat(scopes.size()).as(route).isEqualTo(1);
      assertThat(operatorScopes.isDefined(scopes.get(0).asText())).as("%s scope %s", route, scopes.get(0)).isTrue();
      assertThat(op.path("x-required-scope").asText()).isEqualTo(scopes.get(0).asText());
    });
  }

  @Test
  void everyOperationDeclaresItsSuccessAndTheErrorsOfItsKind() {
    operations.forEach((route, op) -> {
      JsonNode responses = op.get("responses");
      assertThat(responses).as(route).isNotNull();
      List<String> codes = new ArrayList<>();
      responses.fieldNames().forEachRemaining(codes::add);
      assertThat(codes).as("%s has a 2xx answer", route).anyMatch(c -> c.startsWith("2"));
      if (!PUBLIC.contains(route)) {
        assertThat(codes).as(route).contains("401", "403");
        assertThat(responses.at("/401/$ref").asText()).isEqualTo("#/components/responses/Unauthorized");
      }
      if (op.has("requestBody")) {
        assertThat(codes).as("%s takes a JSON body", route).contains("400", "413", "415");
        assertThat(op.at("/requestBody/content").has("application/json")).as(route).isTrue();
      }
      if (route.contains("{")) {
        assertThat(codes).as("%s names an object", route).contains("404");
      }
      if (route.startsWith("GET ") && isList(op)) {
        assertThat(codes).as("%s has query parameters", route).contains("400");
      }
    });
  }

  @Test
  void listsArePagedWithTheStandardParametersAndEnvelope() {
    JsonNode pagination = resolve(doc.at("/components/schemas/Pagination"));
    assertThat(iterable(pagination.get("required"))).containsExactlyInAnyOrder(
        "has_more", "next_cursor", "has_more_before", "prev_cursor");
    JsonNode limit = resolve(doc.at("/components/parameters/Limit"));
    assertThat(limit.at("/schema/minimum").asInt()).isEqualTo(1);
    assertThat(limit.at("/schema/maximum").asInt()).isEqualTo(100);
    assertThat(limit.at("/schema/default").asInt()).isEqualTo(20);
    int lists = 0;
    for (var e : operations.entrySet()) {
      if (!isList(e.getValue())) {
        continue;
      }
      lists++;
      Set<String> params = new HashSet<>();
      e.getValue().path("parameters").forEach(p -> params.add(resolve(p).path("name").asText()));
      assertThat(params).as(e.getKey()).contains("limit", "cursor", "before");
    }
    assertThat(lists).as("list operations").isEqualTo(9);
  }

  @Test
  void errorEnvelopeHasCodeMessageAndOptionalFieldAndReason() {
    JsonNode error = resolve(doc.at("/components/schemas/Error"));
    assertThat(iterable(error.get("required"))).containsExactlyInAnyOrder("code", "message");
    assertThat(iterable(error.get("properties"), true)).containsExactlyInAnyOrder("code", "message", "field", "reason");
    for (String code : List.of("invalid_request", "unauthorized", "forbidden", "not_found", "conflict",
        "unsupported_media_type", "payload_too_large", "rate_limited", "internal")) {
      assertThat(iterable(error.at("/properties/code/enum"))).contains(code);
    }
  }

  @Test
  void everyPathParameterIsDeclaredAndRequired() {
    Pattern templateParam = Pattern.compile("\\{([a-z_]+)}");
    operations.forEach((route, op) -> {
      Set<String> inTemplate = new TreeSet<>();
      Matcher m = templateParam.matcher(route);
      while (m.find()) {
        inTemplate.add(m.group(1));
      }
      Set<String> declared = new TreeSet<>();
      op.path("parameters").forEach(p -> {
        JsonNode param = resolve(p);
        if ("path".equals(param.path("in").asText())) {
          assertThat(param.path("required").asBoolean()).as("%s path parameter %s", route, param.get("name")).isTrue();
          declared.add(param.path("name").asText());
        }
      });
      assertThat(declared).as(route).isEqualTo(inTemplate);
    });
  }

  @Test
  void everyReferenceResolves() {
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertThat(refs).isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).startsWith("#/");
      assertThat(doc.at(ref.substring(1)).isMissingNode()).as("%s resolves", ref).isFalse();
    }
  }

  /**
   * Calls each authenticated operation with an operator key holding exactly its documented scope
   * (it gets past authentication, to a status the operation documents), with one holding every
   * other scope that does not imply it (403 insufficient_scope) and with none (401). Ids are
   * unknown and bodies empty, so nothing changes.
   */
  @Test
  void documentedScopeIsTheOneTheServerEnforces() {
    ScopeVocabulary v = h.server.keywarden().model().operatorScopes();
    Map<String, String> keysByScope = new LinkedHashMap<>();
    Map<String, String> keysWithoutScope = new LinkedHashMap<>();
    operations.forEach((route, op) -> {
      if (PUBLIC.contains(route)) {
        return;
      }
      String scope = op.path("x-required-scope").asText();
      String only = keysByScope.computeIfAbsent(scope, s -> operatorKey(List.of(s)));
      String others = keysWithoutScope.computeIfAbsent(scope, s -> operatorKey(v.names().stream()
          .filter(t -> !v.requireAll(List.of(s)).isSatisfiedBy(v.grant(List.of(t))))
          .toList()));
      var allowed = probe(route, op, only, "{}");
      assertThat(allowed.status()).as("%s with only %s: %s", route, scope, allowed).isNotIn(401, 403);
      assertDocumented(route, op, allowed);
      var refused = probe(route, op, others, "{}");
      assertThat(refused.status()).as("%s without %s: %s", route, scope, refused).isEqualTo(403);
      assertThat(refused.reason()).isEqualTo("insufficient_scope");
      assertThat(refused.header("WWW-Authenticate")).as(route).contains("scope=\"" + scope + "\"");
      var anonymous = h.call(route.substring(0, route.indexOf(' ')), fill(route)).send();
      assertThat(anonymous.status()).as("%s without a key", route).isEqualTo(401);
    });
  }

  /**
   * Sends each documented request field on its own (with a value of the wrong type): the answer
   * must not be "Unknown field", so the server accepts every field the document describes.
   */
  @Test
  void everyDocumentedRequestFieldIsAcceptedByTheServer() {
    operations.forEach((route, op) -> {
      if (!op.has("requestBody")) {
        return;
      }
      JsonNode schema = resolve(op.at("/requestBody/content/application~1json/schema"));
      assertThat(schema.path("additionalProperties").asBoolean(true))
          .as("%s refuses unknown fields, as the server does", route).isFalse();
      schema.path("properties").fieldNames().forEachRemaining(field -> {
        var r = probe(route, op, h.adminKey, "{\"" + field + "\":{\"probe\":[]}}");
        String message = r.json == null ? "" : r.json.path("error").path("message").asText();
        assertThat(r.status() == 400 && message.startsWith("Unknown field"))
            .as("%s field %s: %s", route, field, r).isFalse();
        assertDocumented(route, op, r);
      });
      var unknown = probe(route, op, h.adminKey, "{\"no_such_field\":1}");
      assertThat(unknown.status()).as("%s %s", route, unknown).isEqualTo(400);
      assertThat(unknown.errorField()).isEqualTo("no_such_field");
    });
  }

  /** Makes one of each object over HTTP and compares its fields with the documented schema. */
  @Test
  void documentedObjectsHaveExactlyTheFieldsOnTheWire() {
    JsonNode ws = created(h.post("/v1/workspaces", "{\"name\":\"Documented\"}").send());
    assertWireForm("Workspace", ws);
    String wsId = ws.get("id").asText();
    JsonNode project = created(h.post("/v1/workspaces/" + wsId + "/projects", "{\"name\":\"Docs\"}").send());
    assertWireForm("Project", project);
    JsonNode user = created(h.post("/v1/users", "{\"email\":\"doc@example.com\",\"name\":\"Doc\"}").send());
    assertWireForm("User", user);
    JsonNode member = created(h.put("/v1/workspaces/" + wsId + "/members/" + user.get("id").asText(),
        "{\"role\":\"member\"}").send());
    assertWireForm("Membership", member);
    JsonNode key = created(h.post("/v1/keys", "{\"workspace_id\":\"" + wsId + "\",\"kind\":\"user\",\"user_id\":\""
        + user.get("id").asText() + "\",\"name\":\"doc key\",\"scopes\":[\"read\"]}").send());
    assertThat(key.get("secret").asText()).isNotBlank();
    List<String> keyFields = iterable(resolve(doc.at("/components/schemas/Key")).get("properties"), true);
    List<String> withSecret = new ArrayList<>(keyFields);
    withSecret.add("secret");
    assertThat(iterable(key, true)).containsExactlyInAnyOrderElementsOf(withSecret);
    var got = h.get("/v1/keys/" + key.get("id").asText()).send();
    assertWireForm("Key", got.data());

    var verified = h.post("/v1/keys/verify", "{\"key\":\"" + key.get("secret").asText() + "\"}").send();
    assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
    assertWireForm("VerifyResult", verified.data());
    assertWireForm("VerifiedKey", verified.data().get("key"));

    var events = h.get("/v1/audit-events?workspace_id=" + wsId).send();
    assertThat(events.status()).as(events.toString()).isEqualTo(200);
    assertThat(events.data()).isNotEmpty();
    assertWireForm("AuditEvent", events.data().get(0));
    assertWireForm("Pagination", events.json.get("pagination"));

    JsonNode operatorKey = created(h.post("/v1/operator-keys", "{\"name\":\"doc operator\",\"scopes\":[\"verify\"],\"workspace_id\":\"" + wsId + "\"}").send());
    assertThat(operatorKey.get("secret").asText()).startsWith("kw_op_");
    List<String> operatorFields = new ArrayList<>(iterable(resolve(doc.at("/components/schemas/OperatorKey")).get("properties"), true));
    operatorFields.add("secret");
    assertThat(iterable(operatorKey, true)).containsExactlyInAnyOrderElementsOf(operatorFields);
    assertWireForm("OperatorKey", h.get("/v1/operator-keys/" + operatorKey.get("id").asText()).send().data());

    var error = h.post("/v1/workspaces", "{}").send();
    assertWireForm("ErrorEnvelope", error.json);
  }

  private static JsonNode created(ServerHarness.Reply r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.data();
  }

  /**
   * The object has every required field of the schema and no field the schema does not describe
   * (for objects whose fields are all required: exactly the documented ones).
   */
  private static void assertWireForm(String schemaName, JsonNode actual) {
    JsonNode schema = resolve(doc.at("/components/schemas/" + schemaName));
    assertThat(schema.isMissingNode()).as(schemaName).isFalse();
    List<String> fields = iterable(actual, true);
    assertThat(fields).as("%s has only documented fields", schemaName)
        .isSubsetOf(iterable(schema.get("properties"), true));
    assertThat(fields).as("%s has every required field", schemaName).containsAll(iterable(schema.get("required")));
  }

  // ---- helpers ----

  private static boolean isList(JsonNode op) {
    JsonNode ok = resolve(op.at("/responses/200"));
    JsonNode schema = resolve(ok.at("/content/application~1json/schema"));
    return schema.at("/properties/pagination").isObject();
  }

  /** The status of {@code reply} is one the operation documents. */
  private static void assertDocumented(String route, JsonNode op, ServerHarness.Reply reply) {
    assertThat(iterable(op.get("responses"), true)).as("%s documents the status of %s", route, reply)
        .contains(String.valueOf(reply.status()));
  }

  private static String operatorKey(List<String> scopes) {
    return h.server.keywarden().keys().createOperatorKey("openapi test " + scopes, scopes, null, Actor.SYSTEM).secret();
  }

  /** Calls an operation with unknown ids; a body only where the operation takes one. */
  private static ServerHarness.Reply probe(String route, JsonNode op, String key, String body) {
    String method = route.substring(0, route.indexOf(' '));
    var call = h.call(method, fill(route)).auth(key);
    if (op.has("requestBody")) {
      String json = route.equals("POST /v1/keys/verify") && !body.contains("\"key\"")
          ? body.replaceFirst("\\{", "{\"key\":\"kw_sk_live_x\"" + (body.equals("{}") ? "" : ","))
          : body;
      call.json(json);
    }
    return call.send();
  }

  /** The path of a route with its parameters replaced by ids that do not exist. */
  private static String fill(String route) {
    return route.substring(route.indexOf(' ') + 1)
        .replace("{id}", "none_000000000000000000000000")
        .replace("{user_id}", "usr_000000000000000000000000")
        .replace("{name}", "none-plan");
  }

  private static JsonNode resolve(JsonNode node) {
    while (node != null && node.has("$ref")) {
      node = doc.at(node.get("$ref").asText().substring(1));
    }
    return node;
  }

  private static void collectRefs(JsonNode node, List<String> out) {
    if (node.isObject()) {
      node.properties().forEach(e -> {
        if (e.getKey().equals("$ref")) {
          out.add(e.getValue().asText());
        } else {
          collectRefs(e.getValue(), out);
        }
      });
    } else if (node.isArray()) {
      node.forEach(n -> collectRefs(n, out));
    }
  }

  private static List<String> iterable(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  private static List<String> iterable(JsonNode object, boolean names) {
    List<String> out = new ArrayList<>();
    if (object != null) {
      object.fieldNames().forEachRemaining(out::add);
    }
    return out;
  }
}
