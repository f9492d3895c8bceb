package io.keywarden.security.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.keywarden.core.routes.RequestPath;
import java.util.ArrayList;
import java.util.List;

/**
 * The request-path reader ({@link RequestPath}): any raw path is accepted or refused with a
 * problem, never an exception; an accepted path's decoded segments hold nothing an upstream could
 * resolve differently (no {@code /}, no backslash, no dot segment, no control character); and the
 * canonical form (each decoded segment re-encoded) reads back to the same segments: reading is
 * idempotent.
 */
class RequestPathFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void aRequestPathIsAcceptedIdempotentlyOrRefused(byte[] bytes) {
    String raw = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    RequestPath p = RequestPath.parse(raw);
    if (p.isRefused()) {
      assertThat(p.problem()).isNotNull();
      assertThat(p.segmentCount()).isZero();
      return;
    }
    List<String> segments = new ArrayList<>();
    for (int i = 0; i < p.segmentCount(); i++) {
      String s = p.segment(i);
      assertThat(s).as("segment %d of %s", i, raw).isNotEmpty().isNotIn(".", "..")
          .doesNotContain("/").doesNotContain("\\");
      assertThat(s.chars().noneMatch(c -> c < 0x20 || c == 0x7f)).as("control character in %s", raw).isTrue();
      assertThat(validSurrogates(s)).as("lone surrogate in %s", raw).isTrue();
      segments.add(s);
    }
    assertThat(p.remainder(0)).isEqualTo(String.join("/", segments));
    String canonical = Paths.render(segments);
    RequestPath again = RequestPath.parse(canonical);
    assertThat(again.isRefused()).as("%s re-rendered as %s: %s", raw, canonical, again).isFalse();
    assertThat(again.segmentCount()).isEqualTo(segments.size());
    for (int i = 0; i < segments.size(); i++) {
      assertThat(again.segment(i)).isEqualTo(segments.get(i));
    }
    assertThat(Paths.render(segmentsOf(again))).isEqualTo(canonical);
  }

  private static boolean validSurrogates(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static List<String> segmentsOf(RequestPath p) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < p.segmentCount(); i++) {
      out.add(p.segment(i));
    }
    return out;
  }
}
