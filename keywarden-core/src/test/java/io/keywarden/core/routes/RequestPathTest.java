package io.keywarden.core.routes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request paths: segments, decoding, and the path tricks that are refused rather than
 * normalized, each with its own stable reason.
 */
class RequestPathTest {

  @ParameterizedTest(name = "{0} is refused as {1}")
  @CsvSource(delimiter = '|', value = {
      // Dot segments, in every spelling: a gateway and an upstream must not disagree on them.
      "/v1/public/../admin         | DOT_SEGMENT",
      "/v1/public/./admin          | DOT_SEGMENT",
      "/v1/public/..               | DOT_SEGMENT",
      "/v1/public/../              | DOT_SEGMENT",
      "/..                         | DOT_SEGMENT",
      "/.                          | DOT_SEGMENT",
      "/./                         | DOT_SEGMENT",
      "/v1/%2e%2e/admin            | DOT_SEGMENT",
      "/v1/%2E%2E/admin            | DOT_SEGMENT",
      "/v1/.%2e/admin              | DOT_SEGMENT",
      "/v1/%2e./admin              | DOT_SEGMENT",
      "/v1/%2e/admin               | DOT_SEGMENT",
      // Empty segments: many upstreams merge slashes.
      "/v1//admin                  | EMPTY_SEGMENT",
      "//v1/admin                  | EMPTY_SEGMENT",
      "//                          | EMPTY_SEGMENT",
      "/v1/admin//                 | EMPTY_SEGMENT",
      // Encoded slashes and backslashes: separators to some upstreams, data to others.
      "/v1/public%2Fadmin          | ENCODED_SLASH",
      "/v1/public%2fadmin          | ENCODED_SLASH",
      "/v1/public%2F..%2Fadmin     | ENCODED_SLASH",
      "/v1/public\\admin           | BACKSLASH",
      "/v1/public\\..\\admin       | BACKSLASH",
      "/v1/public%5Cadmin          | BACKSLASH",
      "/v1/public%5c..%5cadmin     | BACKSLASH",
      // Double encoding: an upstream that decodes twice would see '.', '/' or '\\'.
      "/v1/%252e%252e/admin        | DOUBLE_ENCODED",
      "/v1/public%252Fadmin        | DOUBLE_ENCODED",
      "/v1/public%255cadmin        | DOUBLE_ENCODED",
      "/v1/public%252%66admin      | DOUBLE_ENCODED",
      "/v1/public%25%32fadmin      | DOUBLE_ENCODED",
      "/v1/%25%32%65%25%32%65/x    | DOUBLE_ENCODED",
      // Servlet path parameters: Tomcat routes /admin;x=1 to /admin.
      "/v1/admin;x=1               | PATH_PARAMETER",
      "/v1/public;/../admin        | PATH_PARAMETER",
      // Malformed escapes and invalid UTF-8, including overlong dots and surrogates.
      "/v1/a%                      | BAD_ESCAPE",
      "/v1/a%2                     | BAD_ESCAPE",
      "/v1/a%zz                    | BAD_ESCAPE",
      "/v1/a%2/x                   | BAD_ESCAPE",
      "/v1/%C0%AE%C0%AE/admin      | BAD_ESCAPE",
      "/v1/%E0%80%AE               | BAD_ESCAPE",
      "/v1/%ED%A0%80               | BAD_ESCAPE",
      "/v1/%F4%90%80%80            | BAD_ESCAPE",
      "/v1/%C3                     | BAD_ESCAPE",
      "/v1/%C3x                    | BAD_ESCAPE",
      "/v1/%80                     | BAD_ESCAPE",
      "/v1/%FF                     | BAD_ESCAPE",
      "/v1/%٣٣                     | BAD_ESCAPE",
      // Encoded control characters.
      "/v1/a%00b                   | ENCODED_CONTROL",
      "/v1/a%0D%0Ab                | ENCODED_CONTROL",
      "/v1/a%7Fb                   | ENCODED_CONTROL",
      // Characters that must be encoded.
      "/v1/a b                     | ILLEGAL_CHARACTER",
      "/v1/ä                       | ILLEGAL_CHARACTER",
      "/v1/a／admin                | ILLEGAL_CHARACTER",
      "/v1/a#frag                  | ILLEGAL_CHARACTER",
      "/v1/a^b                     | ILLEGAL_CHARACTER",
      "/v1/a`b                     | ILLEGAL_CHARACTER",
      "/v1/a<b>                    | ILLEGAL_CHARACTER",
      "/v1/{id}                    | ILLEGAL_CHARACTER",
      "/v1/a\"b                    | ILLEGAL_CHARACTER",
      "/v1/[x]                     | ILLEGAL_CHARACTER",
      // Not an origin-form path.
      "v1/regions                  | NOT_ABSOLUTE",
      "*                           | NOT_ABSOLUTE",
      "http://evil/v1              | NOT_ABSOLUTE",
      "?a=b                        | NOT_ABSOLUTE"})
  void pathTricksAreRefusedWithTheirReason(String path, PathProblem problem) {
    RequestPath p = RequestPath.parse(path);
    assertThat(p.isRefused()).isTrue();
    assertThat(p.problem()).isEqualTo(problem);
    assertThat(p.segmentCount()).isZero();
  }

  @Test
  void aVerticalBarMustBeEncoded() {
    assertThat(RequestPath.parse("/v1/a|b").problem()).isEqualTo(PathProblem.ILLEGAL_CHARACTER);
    assertThat(RequestPath.parse("/v1/a%7Cb").segment(1)).isEqualTo("a|b");
  }

  @Test
  void anEmptyPathIsNotAbsolute() {
    assertThat(RequestPath.parse("").problem()).isEqualTo(PathProblem.NOT_ABSOLUTE);
  }

  @Test
  void tooManySegmentsAreRefused() {
    assertThat(RequestPath.parse("/a".repeat(RequestPath.MAX_SEGMENTS)).isRefused()).isFalse();
    assertThat(RequestPath.parse("/a".repeat(RequestPath.MAX_SEGMENTS + 1)).problem())
        .isEqualTo(PathProblem.TOO_MANY_SEGMENTS);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/v1/...", "/v1/.well-known", "/v1/a..b", "/v1/..a", "/v1/file.json", "/v1/%2e%2e%2e",
      "/v1/%25", "/v1/%2541", "/v1/%3B", "/v1/a:b@c", "/v1/~user", "/v1/%E2%82%AC",
      "/v1/%F0%9F%98%80", "/v1/%C3%A4", "/v1/a%2Eb"})
  void ordinaryPathsAreAccepted(String path) {
    assertThat(RequestPath.parse(path).isRefused()).as(path).isFalse();
  }

  @Test
  void segmentsAreSplitOnPlainSlashesAndDecoded() {
    RequestPath p = RequestPath.parse("/v1/hello%20world/%E2%82%AC");
    assertThat(p.segmentCount()).isEqualTo(3);
    assertThat(p.segment(0)).isEqualTo("v1");
    assertThat(p.segment(1)).isEqualTo("hello world");
    assertThat(p.segment(2)).isEqualTo("€");
    assertThat(p.rawSegment(1)).isEqualTo("hello%20world");
    assertThat(p.remainder(1)).isEqualTo("hello world/€");
    assertThat(p.remainder(3)).isEmpty();
  }

  @Test
  void anEncodedPercentDecodesOnceOnly() {
    assertThat(RequestPath.parse("/v1/%2541").segment(1)).isEqualTo("%41");
  }

  @Test
  void theRootHasNoSegments() {
    RequestPath p = RequestPath.parse("/");
    assertThat(p.isRefused()).isFalse();
    assertThat(p.segmentCount()).isZero();
    assertThat(p.hasTrailingSlash()).isFalse();
  }

  @Test
  void oneTrailingSlashIsIgnoredAndRemembered() {
    RequestPath p = RequestPath.parse("/v1/regions/");
    assertThat(p.segmentCount()).isEqualTo(2);
    assertThat(p.hasTrailingSlash()).isTrue();
    assertThat(p.raw()).isEqualTo("/v1/regions/");
  }

  @Test
  void theQueryStringIsIgnored() {
    RequestPath p = RequestPath.parse("/v1/regions?cursor=../../x&a=%2F");
    assertThat(p.isRefused()).isFalse();
    assertThat(p.raw()).isEqualTo("/v1/regions");
    assertThat(p.segmentCount()).isEqualTo(2);
    assertThat(RequestPath.parse("/?x").segmentCount()).isZero();
  }

  @Test
  void everyProblemHasADistinctStableCode() {
    assertThat(java.util.Arrays.stream(PathProblem.values()).map(PathProblem::code).distinct())
        .hasSize(PathProblem.values().length)
        .allMatch(c -> c.startsWith("path_"));
    assertThat(PathProblem.DOT_SEGMENT.code()).isEqualTo("path_dot_segment");
  }
}
