package io.keywarden.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.demo.upstream.DemoUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The demo upstreams answer bad input with a 400 in their own style, never a 500. */
class DemoUpstreamTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private int send(DemoUpstream u, String method, String path, String json) throws Exception {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + u.port() + path))
        .header(DemoUpstream.PREFIX + "Workspace-Id", "ws_1").header(DemoUpstream.PREFIX + "Project-Id", "proj_1");
    b = json == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
        : b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
    return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void badCursorsAndBodiesOfTheWrongShapeAre400() throws Exception {
    try (DemoUpstream nometria = DemoUpstream.start(DemoSystem.NOMETRIA, "127.0.0.1");
        DemoUpstream metorial = DemoUpstream.start(DemoSystem.METORIAL, "127.0.0.1");
        DemoUpstream noma = DemoUpstream.start(DemoSystem.NOMACMS, "127.0.0.1")) {
      nometria.data().addProject("ws_1", "proj_1", "web");
      noma.data().addProject("ws_1", "proj_1", "site");
      assertThat(send(nometria, "GET", "/v1/deployments?cursor=cur_-5", null)).isEqualTo(400);
      assertThat(send(nometria, "GET", "/v1/deployments?cursor=abc", null)).isEqualTo(400);
      assertThat(send(nometria, "POST", "/v1/deployments", "[1, 2]")).isEqualTo(400);
      assertThat(send(metorial, "GET", "/provider-deployments?after=pdep_nothing", null)).isEqualTo(400);
      assertThat(send(metorial, "GET", "/provider-deployments?before=pdep_nothing", null)).isEqualTo(400);
      assertThat(send(noma, "POST", "/api/collections/blog-posts/entries", "{\"fields\": \"not an object\"}")).isEqualTo(400);
      assertThat(send(noma, "POST", "/api/collections/blog-posts/entries", "{not json")).isEqualTo(422);
    }
  }
}
