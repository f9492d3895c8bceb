package io.keywarden.security.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.server.http.JsonBody;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The management API's JSON body reader ({@link JsonBody}): any bytes (with any Content-Type) are
 * an object or a 4xx {@link KeywardenException}, never another exception; what it accepts, a
 * strict reference reader (one value, no trailing content, no duplicate names) accepts too; and
 * every typed accessor on every field answers a value or a 400.
 */
class JsonBodyFuzzTest {
  private static final ObjectMapper REFERENCE = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @FuzzTest(maxDuration = "30s")
  @DictionaryEntries({"{", "}", "[", "]", "\"", ":", ",", "null", "true", "false", "\\u", "\\ud800",
      "1e999", "-0", "\"name\"", "\"scopes\"", "\"expires_at\"", "2026-01-31T12:00:00Z", "/*", "//"})
  void aJsonBodyIsAnObjectOrAClientError(byte[] input) {
    // Seed files: the Content-Type on the first line ("-" for none), then the body.
    FuzzInput in = new FuzzInput(input);
    String contentType = in.line();
    if (contentType.equals("-")) {
      contentType = "";
    }
    boolean required = input.length % 2 == 0;
    byte[] bytes = in.rest();
    RoutingContext ctx = context(contentType.isEmpty() ? null : contentType, bytes);
    JsonBody body;
    try {
      body = JsonBody.of(ctx, required);
    } catch (KeywardenException e) {
      assertThat(e.code().httpStatus()).as(e.getMessage()).isBetween(400, 499);
      return;
    }
    if (bytes.length > 0) {
      JsonNode reference;
      try {
        reference = REFERENCE.readTree(bytes);
      } catch (java.io.IOException e) {
        throw new AssertionError("JsonBody accepted what a strict reader refuses ("
            + e.getMessage() + "): " + new String(bytes, java.nio.charset.StandardCharsets.UTF_8), e);
      }
      assertThat(reference.isObject()).isTrue();
      assertThat(hasLoneSurrogate(reference)).as("accepted a lone surrogate: %s", reference).isFalse();
      List<String> names = new ArrayList<>();
      Iterator<String> it = reference.fieldNames();
      it.forEachRemaining(names::add);
      for (String f : names) {
        assertThat(body.has(f)).isTrue();
        for (int accessor = 0; accessor < 8; accessor++) {
          try {
            switch (accessor) {
              case 0 -> body.string(f, true);
              case 1 -> body.integer(f);
              case 2 -> body.longValue(f);
              case 3 -> body.bool(f);
              case 4 -> body.strings(f);
              case 5 -> body.instant(f);
              case 6 -> body.object(f);
              default -> body.raw(f);
            }
          } catch (KeywardenException e) {
            assertThat(e.code().httpStatus()).isEqualTo(400);
          }
        }
      }
      try {
        body.only(Set.of("name", "scopes"));
      } catch (KeywardenException e) {
        assertThat(e.code().httpStatus()).isEqualTo(400);
      }
    }
  }

  private static boolean hasLoneSurrogate(JsonNode n) {
    if (n.isTextual()) {
      return lone(n.textValue());
    }
    var fields = n.fields();
    while (fields.hasNext()) {
      var e = fields.next();
      if (lone(e.getKey()) || hasLoneSurrogate(e.getValue())) {
        return true;
      }
    }
    for (JsonNode c : n) {
      if (!n.isObject() && hasLoneSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  private static boolean lone(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /** A routing context that carries only what {@link JsonBody} reads: the body and its type. */
  private static RoutingContext context(String contentType, byte[] bytes) {
    Buffer buffer = bytes.length == 0 ? null : Buffer.buffer(bytes);
    RequestBody body = (RequestBody) Proxy.newProxyInstance(JsonBodyFuzzTest.class.getClassLoader(),
        new Class<?>[] {RequestBody.class}, (p, m, a) -> switch (m.getName()) {
          case "available" -> buffer != null;
          case "buffer" -> buffer;
          case "length" -> buffer == null ? -1 : buffer.length();
          default -> throw new UnsupportedOperationException(m.getName());
        });
    HttpServerRequest request = (HttpServerRequest) Proxy.newProxyInstance(
        JsonBodyFuzzTest.class.getClassLoader(), new Class<?>[] {HttpServerRequest.class},
        (p, m, a) -> switch (m.getName()) {
          case "getHeader" -> "Content-Type".equalsIgnoreCase(String.valueOf(a[0])) ? contentType : null;
          default -> throw new UnsupportedOperationException(m.getName());
        });
    return (RoutingContext) Proxy.newProxyInstance(JsonBodyFuzzTest.class.getClassLoader(),
        new Class<?>[] {RoutingContext.class}, (p, m, a) -> switch (m.getName()) {
          case "body" -> body;
          case "request" -> request;
          default -> throw new UnsupportedOperationException(m.getName());
        });
  }
}
