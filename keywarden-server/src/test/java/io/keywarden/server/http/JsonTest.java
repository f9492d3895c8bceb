package io.keywarden.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written JSON string writer of the hot path agrees with Jackson's reading. */
class JsonTest {
  @ParameterizedTest
  @ValueSource(strings = {"", "plain", "quote \" inside", "back\\slash", "new\nline\ttab\rcr",
      "bell\u0007 and nul\u0000", "unicode é ü 漢字 😀", "\"\\\"", "end\\"})
  void appendedStringsReadBackUnchanged(String s) throws Exception {
    Buffer out = Buffer.buffer();
    Json.appendString(out, s);
    assertThat(Json.MAPPER.readTree(out.getBytes()).textValue()).isEqualTo(s);
  }

  @ParameterizedTest
  @ValueSource(strings = {"x"})
  void nullIsWrittenAsJsonNull(String unused) throws Exception {
    Buffer out = Buffer.buffer();
    Json.appendString(out, null);
    assertThat(Json.MAPPER.readTree(out.getBytes()).isNull()).isTrue();
  }
}
