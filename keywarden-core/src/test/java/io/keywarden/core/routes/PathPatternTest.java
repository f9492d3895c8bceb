package io.keywarden.core.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.routes.PathPattern.Segment;
import io.keywarden.core.routes.PathPattern.SegmentKind;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Path patterns: syntax checked with errors naming the setting, and matching without regex. */
class PathPatternTest {

  static PathPattern pattern(String p) {
    return PathPattern.parse(p, "routes[3].path");
  }

  static PathParams match(String pattern, String path) {
    return pattern(pattern).match(RequestPath.parse(path));
  }

  @Test
  void aPatternIsParsedIntoLiteralsParametersAndACatchAll() {
    PathPattern p = pattern("/v1/applications/{id}/deployments/{rest*}");
    assertThat(p.segments()).containsExactly(
        new Segment(SegmentKind.LITERAL, "v1"),
        new Segment(SegmentKind.LITERAL, "applications"),
        new Segment(SegmentKind.PARAMETER, "id"),
        new Segment(SegmentKind.LITERAL, "deployments"),
        new Segment(SegmentKind.CATCH_ALL, "rest"));
    assertThat(p.parameterNames()).containsExactly("id", "rest");
    assertThat(p.fixedSegmentCount()).isEqualTo(4);
    assertThat(p.hasCatchAll()).isTrue();
    assertThat(p.hasSegmentParameter("id")).isTrue();
    assertThat(p.hasSegmentParameter("rest")).isFalse();
    assertThat(p.text()).isEqualTo("/v1/applications/{id}/deployments/{rest*}");
  }

  @Test
  void theRootPatternHasNoSegments() {
    assertThat(pattern("/").segments()).isEmpty();
    assertThat(match("/", "/")).isEqualTo(PathParams.EMPTY);
    assertThat(match("/", "/a")).isNull();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "''                         | must not be empty",
      "v1/regions                 | must start with '/', was \"v1/regions\"",
      "/v1/regions/               | must not end with '/'",
      "/v1//regions               | empty segment ('//') in \"/v1//regions\"",
      "//                         | must not end with '/'",
      "/v1/{Id}                   | parameter name \"Id\" in \"/v1/{Id}\" must match [a-z_][a-z0-9_]*",
      "/v1/{1d}                   | parameter name \"1d\"",
      "/v1/{}                     | parameter name \"\"",
      "/v1/{*}                    | parameter name \"\"",
      "/v1/{id-x}                 | parameter name \"id-x\"",
      "/v1/{id}/x/{id}            | parameter {id} appears twice",
      "/v1/{id}/{id*}             | parameter {id} appears twice",
      "/v1/{rest*}/x              | catch-all {rest*} must be the last segment",
      "/v1/v{version}             | a parameter must be a whole segment",
      "/v1/{id}.json              | a parameter must be a whole segment",
      "/v1/{id                    | a parameter must be a whole segment",
      "/v1/../admin               | '.' and '..' segments are not allowed",
      "/v1/./admin                | '.' and '..' segments are not allowed",
      "/v1/a%20b                  | '%' is not allowed",
      "/v1/a;b                    | character ';' is not allowed",
      "/v1/a b                    | character ' ' is not allowed",
      "/v1/a\\b                   | character '\\' is not allowed",
      "/v1/ä                      | character 'ä' is not allowed"})
  void malformedPatternsAreRefusedNamingTheSetting(String p, String message) {
    assertThatThrownBy(() -> pattern(p))
        .isInstanceOf(RouteConfigException.class)
        .hasMessageStartingWith("routes[3].path: ")
        .hasMessageContaining(message)
        .extracting(e -> ((RouteConfigException) e).setting())
        .isEqualTo("routes[3].path");
  }

  @Test
  void aNullPatternIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> PathPattern.parse(null, "routes[0].path"))
        .hasMessage("routes[0].path: must not be empty");
  }

  @Test
  void patternsLongerThanTheLimitAreRefused() {
    String p = "/a".repeat(PathPattern.MAX_SEGMENTS + 1);
    assertThatThrownBy(() -> pattern(p)).hasMessageContaining("at most 64 segments");
    assertThat(pattern("/a".repeat(PathPattern.MAX_SEGMENTS)).fixedSegmentCount()).isEqualTo(64);
  }

  @Test
  void literalsMayUseEverySubDelimiterButTheSemicolon() {
    PathPattern p = pattern("/a-b._~!$&'()*+,=:@/x");
    assertThat(p.match(RequestPath.parse("/a-b._~!$&'()*+,=:@/x"))).isNotNull();
  }

  @Test
  void parametersAreExtractedByName() {
    PathParams params = match("/api/collections/{collection}/entries/{id}",
        "/api/collections/blog/entries/42");
    assertThat(params.asMap()).containsExactly(Map.entry("collection", "blog"), Map.entry("id", "42"));
    assertThat(params.get("collection")).isEqualTo("blog");
    assertThat(params.get("missing")).isNull();
    assertThat(params.names()).containsExactly("collection", "id");
  }

  @Test
  void parameterValuesArePercentDecodedAsUtf8() {
    PathParams params = match("/v1/files/{name}/{other}", "/v1/files/hello%20w%C3%B6rld/%3B%3F%23");
    assertThat(params.get("name")).isEqualTo("hello wörld");
    assertThat(params.get("other")).isEqualTo(";?#");
  }

  @Test
  void aPlusSignInAPathIsNotASpace() {
    assertThat(match("/v1/{q}", "/v1/a+b").get("q")).isEqualTo("a+b");
  }

  @Test
  void literalsAreComparedWithTheDecodedSegment() {
    assertThat(match("/v1/regions", "/v1/%72egions")).isNotNull();
    assertThat(match("/v1/regions", "/v1/%72EGIONS")).isNull();
  }

  @Test
  void literalsAreCaseSensitive() {
    assertThat(match("/v1/regions", "/v1/Regions")).isNull();
    assertThat(match("/v1/regions", "/V1/regions")).isNull();
  }

  @Test
  void aParameterMatchesExactlyOneSegment() {
    assertThat(match("/v1/projects/{id}", "/v1/projects")).isNull();
    assertThat(match("/v1/projects/{id}", "/v1/projects/a/b")).isNull();
    assertThat(match("/v1/projects/{id}", "/v1/projects/a").get("id")).isEqualTo("a");
  }

  @Test
  void aTrailingSlashOnTheRequestIsIgnored() {
    assertThat(match("/v1/regions", "/v1/regions/")).isEqualTo(PathParams.EMPTY);
    assertThat(match("/v1/projects/{id}", "/v1/projects/7/").get("id")).isEqualTo("7");
  }

  @Test
  void aCatchAllMatchesTheRestOfThePathPossiblyEmpty() {
    assertThat(match("/v1/{rest*}", "/v1").get("rest")).isEmpty();
    assertThat(match("/v1/{rest*}", "/v1/").get("rest")).isEmpty();
    assertThat(match("/v1/{rest*}", "/v1/a").get("rest")).isEqualTo("a");
    assertThat(match("/v1/{rest*}", "/v1/a/b/c/").get("rest")).isEqualTo("a/b/c");
    assertThat(match("/v1/{rest*}", "/v2/a")).isNull();
    assertThat(match("/v1/{rest*}", "/")).isNull();
    assertThat(match("/{all*}", "/").get("all")).isEmpty();
  }

  @Test
  void aCatchAllValueIsDecodedSegmentBySegment() {
    assertThat(match("/files/{path*}", "/files/a%20b/c%25d").get("path")).isEqualTo("a b/c%d");
  }

  @Test
  void aRefusedPathMatchesNoPattern() {
    assertThat(match("/{all*}", "/v1/public/../admin")).isNull();
    assertThat(match("/v1/{a}/{b}/{c}", "/v1/public/../admin")).isNull();
  }

  @Test
  void patternsAreEqualByText() {
    assertThat(pattern("/v1/{id}")).isEqualTo(pattern("/v1/{id}")).hasSameHashCodeAs(pattern("/v1/{id}"));
    assertThat(pattern("/v1/{id}")).isNotEqualTo(pattern("/v1/{other}"));
    assertThat(pattern("/v1/{id}").shape()).isEqualTo(pattern("/v1/{other}").shape());
  }
}
