package io.keywarden.security.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keywarden.core.keys.KeyFormat;
import io.keywarden.security.RunningKeywarden;
import io.keywarden.testkit.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The real gateway and verify API against {@link ReferenceModel}, over HTTP.
 *
 * <p>One try builds a <em>world</em> through the real management API: two workspaces with
 * projects, users with roles and project reach (one later removed), and keys of every kind
 * (user and project, secret and publishable, scopes, project allow-lists, IP lists, lifetimes,
 * disabled, revoked, rotated with and without a grace period). One <b>case</b> is one generated
 * request (a key or a garbled one, a route, a project in the path, a client address, maybe a move
 * of the injected clock) sent to the gateway (with a real upstream) and asked of the verify API;
 * both answers must equal the model's. Cases per run: {@code keywarden.model.cases} (default 1000
 * in CI; the documented long run uses 100000), spread over 20 worlds.
 */
class AuthorizationModelProperties {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int WORLDS = 20;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final AtomicLong CASES = new AtomicLong();
  private static final AtomicLong DISAGREEMENTS = new AtomicLong();
  private static final AtomicLong UNIQUE = new AtomicLong();
  private static final String IN_LIST = "10.1.2.3";
  private static final String OUT_OF_LIST = "192.0.2.7";

  private static Path dir;
  private static MutableClock clock;
  private static RunningKeywarden kw;
  private static ServerSocket upstream;
  private static final List<String> disagreements = new ArrayList<>();

  @BeforeContainer
  static void start() throws IOException {
    dir = Files.createTempDirectory("kw-model");
    upstream = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(AuthorizationModelProperties::serveUpstream);
    clock = MutableClock.atFixedStart();
    kw = new RunningKeywarden(dir, """
        rate_limits:
          failed_auth: {enabled: false}
          management: {enabled: false}
        gateway:
          trusted_proxies: [127.0.0.1/32]
          upstreams:
            default: {url: "http://127.0.0.1:%d"}
          routes:
            - {path: "/r/{rest*}", methods: [GET], scopes: [read]}
            - {path: "/w/{rest*}", methods: [POST], scopes: [write]}
            - {path: "/p/{id}/{rest*}", methods: [GET], scopes: [read], project: {path_parameter: id}}
            - {path: "/pub/{rest*}", methods: [GET], scopes: [read], public: true}
        """.formatted(upstream.getLocalPort()), clock);
  }

  @AfterContainer
  static void stop() throws IOException {
    String summary = "model cases " + CASES.get() + " (each on the gateway and the verify API), disagreements "
        + DISAGREEMENTS.get() + "\n" + String.join("\n", disagreements.subList(0, Math.min(20, disagreements.size())));
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "model-report.txt"), summary + "\n");
    System.out.println(summary);
    if (kw != null) {
      kw.close();
    }
    upstream.close();
  }

  /** A minimal upstream: answers 200 to every request, keep-alive. */
  private static void serveUpstream() {
    while (!upstream.isClosed()) {
      try {
        Socket s = upstream.accept();
        Thread.ofVirtual().start(() -> {
          try (s) {
            var in = s.getInputStream();
            var out = s.getOutputStream();
            int state = 0;
            int c;
            while ((c = in.read()) >= 0) {
              state = (c == '\n') ? state + 1 : (c == '\r' ? state : 0);
              if (state == 2) { // end of a head (GET/POST without body)
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                state = 0;
              }
            }
          } catch (IOException e) {
            // closed
          }
        });
      } catch (IOException e) {
        return;
      }
    }
  }

  /** The world as the model knows it. */
  static final class World implements ReferenceModel.World {
    final Map<String, ReferenceModel.Key> keys = new HashMap<>();
    final Map<String, ReferenceModel.Project> projects = new HashMap<>();
    final Map<String, ReferenceModel.Member> members = new HashMap<>();
    final List<String> secrets = new ArrayList<>();
    final List<String> projectIds = new ArrayList<>();

    @Override
    public ReferenceModel.Key key(String secret) {
      return keys.get(secret);
    }

    @Override
    public ReferenceModel.Project project(String id) {
      return projects.get(id);
    }

    @Override
    public ReferenceModel.Member member(String workspace, String user) {
      return members.get(workspace + "/" + user);
    }
  }

  @Property(tries = WORLDS, seed = "")
  void theGatewayAndTheVerifyApiDecideAsTheReferenceModel(@ForAll long seed) throws Exception {
    int perWorld = Math.max(1, Integer.getInteger("keywarden.model.cases", 1000) / WORLDS);
    Random r = new Random(seed);
    World w = build(r);
    List<String> garbage = List.of("", "nope",
        KeyFormat.generate("kw_sk_live"),
        flipLast(w.secrets.get(0)));
    for (int i = 0; i < perWorld; i++) {
      if (i % 40 == 39) {
        clock.advance(Duration.ofMinutes(1)); // rate-limit windows move on; no sleeping
      }
      if (r.nextInt(200) == 0) {
        clock.advance(Duration.ofDays(31)); // past 30-day lifetimes and rotation graces
      }
      String key = r.nextInt(8) == 0 ? garbage.get(r.nextInt(garbage.size())) : w.secrets.get(r.nextInt(w.secrets.size()));
      int route = r.nextInt(4);
      String path;
      ReferenceModel.Request req;
      boolean inList = r.nextBoolean();
      switch (route) {
        case 0 -> {
          path = "/r/x";
          req = new ReferenceModel.Request("GET", false, "read", null, inList);
        }
        case 1 -> {
          path = "/w/x";
          req = new ReferenceModel.Request("POST", false, "write", null, inList);
        }
        case 2 -> {
          String p = r.nextInt(10) == 0 ? "proj_doesnotexist" : w.projectIds.get(r.nextInt(w.projectIds.size()));
          path = "/p/" + p + "/x";
          req = new ReferenceModel.Request("GET", false, "read", p, inList);
        }
        default -> {
          path = "/pub/x";
          req = new ReferenceModel.Request("GET", true, "read", null, inList);
        }
      }
      ReferenceModel.Expected want = ReferenceModel.decide(w, key, req, clock.instant());
      CASES.incrementAndGet();

      // The gateway.
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + kw.gatewayPort() + path))
          .timeout(Duration.ofSeconds(20))
          .header("X-Forwarded-For", inList ? IN_LIST : OUT_OF_LIST)
          .method(req.route(), HttpRequest.BodyPublishers.noBody());
      if (!key.isEmpty()) {
        b.header("Authorization", "Bearer " + key);
      }
      HttpResponse<String> g = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      String gotReason = g.statusCode() == 200 ? "valid" : reason(g.body());
      if (g.statusCode() != want.status() || !want.reason().equals(gotReason)) {
        disagree("gateway " + req.route() + " " + path + " key " + describe(w, key) + ": model " + want
            + ", gateway " + g.statusCode() + " " + g.body());
      }

      // The verify API (the empty key is a 400 there, not a decision).
      if (!key.isEmpty()) {
        ObjectNode body = JSON.createObjectNode().put("key", key).put("ip", inList ? IN_LIST : OUT_OF_LIST)
            .put("public", req.publicRoute());
        body.putArray("scopes").add(req.requiredScope());
        if (req.pathProject() != null) {
          body.put("project_id", req.pathProject()).put("project_selection", "resource");
        }
        JsonNode v = post("/v1/keys/verify", body);
        String code = v.path("data").path("code").asText();
        if (!want.reason().equals(code) || v.path("data").path("valid").asBoolean() != want.reason().equals("valid")) {
          disagree("verify " + body.without("key") + " key " + describe(w, key) + ": model " + want + ", verify " + v);
        }
      }
    }
    assertThat(DISAGREEMENTS.get()).as(String.join("\n", disagreements.subList(0, Math.min(10, disagreements.size())))).isZero();
  }

  private static synchronized void disagree(String what) {
    DISAGREEMENTS.incrementAndGet();
    if (disagreements.size() < 100) {
      disagreements.add(what);
    }
  }

  private static String describe(World w, String key) {
    ReferenceModel.Key k = w.key(key);
    return k == null ? "(garbage " + KeyFormat.redact(key) + ")" : KeyFormat.displayForm(key) + " " + k.toString().replace(key, "…");
  }

  private static String reason(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n.path("error").path("reason").asText(n.path("error").path("code").asText("?"));
    } catch (IOException e) {
      return "?" + body;
    }
  }

  private static String flipLast(String key) {
    char last = key.charAt(key.length() - 1);
    return key.substring(0, key.length() - 1) + (last == 'A' ? 'B' : 'A');
  }

  /** Builds a world through the management API and returns what the model needs to know of it. */
  private static World build(Random r) throws Exception {
    World w = new World();
    Instant now = clock.instant();
    String[] ws = {
      post("/v1/workspaces", JSON.createObjectNode().put("name", "A" + r.nextInt())).path("data").path("id").asText(),
      post("/v1/workspaces", JSON.createObjectNode().put("name", "B" + r.nextInt())).path("data").path("id").asText()
    };
    for (int i = 0; i < 3; i++) {
      String wsId = ws[i == 2 ? 1 : 0];
      String p = post("/v1/workspaces/" + wsId + "/projects", JSON.createObjectNode().put("name", "p" + i)).path("data").path("id").asText();
      w.projects.put(p, new ReferenceModel.Project(p, wsId));
      w.projectIds.add(p);
    }
    List<String> projectsOfA = w.projectIds.subList(0, 2);
    String[] roles = {"admin", "member", "viewer"};
    List<String[]> users = new ArrayList<>(); // {userId, workspace}
    for (int i = 0; i < 3; i++) {
      String wsId = ws[i == 2 ? 1 : 0];
      String u = post("/v1/users", JSON.createObjectNode().put("email", "u" + UNIQUE.incrementAndGet() + "." + System.nanoTime() + "@example.com").put("name", "U"))
          .path("data").path("id").asText();
      String role = roles[r.nextInt(3)];
      List<String> reach = wsId.equals(ws[0]) && r.nextInt(3) == 0 ? List.of(projectsOfA.get(r.nextInt(2))) : List.of();
      ObjectNode m = JSON.createObjectNode().put("role", role);
      reach.forEach(m.putArray("projects")::add);
      send("PUT", "/v1/workspaces/" + wsId + "/members/" + u, m, 200, 201);
      w.members.put(wsId + "/" + u, new ReferenceModel.Member(role, reach));
      users.add(new String[] {u, wsId});
    }
    int keys = 4 + r.nextInt(5);
    for (int i = 0; i < keys; i++) {
      boolean projectKey = r.nextInt(4) == 0;
      boolean publishable = r.nextInt(4) == 0;
      ObjectNode k = JSON.createObjectNode().put("name", "k" + i).put("type", publishable ? "publishable" : "secret");
      String wsId;
      String owner = null;
      String project = null;
      Set<String> scopes = new LinkedHashSet<>();
      List<String> allow = new ArrayList<>();
      if (projectKey) {
        project = w.projectIds.get(r.nextInt(3));
        wsId = w.projects.get(project).workspace();
        k.put("kind", "project").put("project_id", project);
      } else {
        String[] u = users.get(r.nextInt(3));
        owner = u[0];
        wsId = u[1];
        k.put("kind", "user").put("user_id", owner);
        if (r.nextBoolean()) {
          scopes.add("read");
        }
        if (r.nextBoolean() || scopes.isEmpty()) {
          scopes.add("write");
        }
        scopes.forEach(k.putArray("scopes")::add);
        if (wsId.equals(ws[0]) && r.nextInt(3) == 0) {
          allow.add(projectsOfA.get(r.nextInt(2)));
          allow.forEach(k.putArray("projects")::add);
        }
      }
      k.put("workspace_id", wsId);
      boolean ipList = r.nextInt(4) == 0;
      if (ipList) {
        k.putArray("allowed_ips").add("10.0.0.0/8");
      }
      boolean ttl30 = r.nextInt(3) == 0;
      if (ttl30) {
        k.put("ttl_days", 30);
      } else {
        k.putNull("ttl_days");
      }
      JsonNode created = post("/v1/keys", k).path("data");
      String secret = created.path("secret").asText();
      String id = created.path("id").asText();
      assertThat(secret).as("key creation answered %s", created).isNotEmpty();
      Instant expires = ttl30 ? now.plus(Duration.ofDays(30)) : null;
      boolean disabled = r.nextInt(8) == 0;
      if (disabled) {
        send("PATCH", "/v1/keys/" + id, JSON.createObjectNode().put("enabled", false), 200);
      }
      boolean revoked = r.nextInt(8) == 0;
      if (revoked) {
        send("DELETE", "/v1/keys/" + id, null, 200, 204);
      }
      ReferenceModel.Key key = new ReferenceModel.Key(secret, projectKey, wsId, owner, project, publishable,
          Set.copyOf(scopes), List.copyOf(allow), ipList, expires, disabled, revoked);
      if (!revoked && !disabled && r.nextInt(5) == 0) { // only an active key can be rotated
        int grace = r.nextBoolean() ? 0 : 3600;
        JsonNode rotated = post("/v1/keys/" + id + "/rotate", JSON.createObjectNode().put("grace_seconds", grace)).path("data");
        String successor = rotated.path("secret").asText();
        assertThat(successor).as("rotation answered %s", rotated).isNotEmpty();
        Instant oldEnd = now.plusSeconds(grace);
        Instant newExpires = expires;
        w.keys.put(successor, new ReferenceModel.Key(successor, projectKey, wsId, owner, project, publishable,
            Set.copyOf(scopes), List.copyOf(allow), ipList, newExpires, disabled, false));
        w.secrets.add(successor);
        key = new ReferenceModel.Key(secret, projectKey, wsId, owner, project, publishable, Set.copyOf(scopes),
            List.copyOf(allow), ipList, expires == null || oldEnd.isBefore(expires) ? oldEnd : expires, disabled, false);
      }
      w.keys.put(secret, key);
      w.secrets.add(secret);
    }
    if (r.nextInt(3) == 0) { // a user leaves: their keys fail owner_not_member
      String[] u = users.get(r.nextInt(3));
      send("DELETE", "/v1/workspaces/" + u[1] + "/members/" + u[0], null, 200, 204);
      w.members.remove(u[1] + "/" + u[0]);
    }
    return w;
  }

  private static JsonNode post(String path, ObjectNode body) throws Exception {
    return send("POST", path, body, 200, 201);
  }

  private static JsonNode send(String method, String path, ObjectNode body, int... ok) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + kw.apiPort() + path))
        .timeout(Duration.ofSeconds(20))
        .header("Authorization", "Bearer " + kw.adminKey);
    if (body != null) {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> resp = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    boolean good = false;
    for (int s : ok) {
      good |= resp.statusCode() == s;
    }
    assertThat(good).as("%s %s %s answered %s %s", method, path, body, resp.statusCode(), resp.body()).isTrue();
    return resp.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(resp.body());
  }
}
