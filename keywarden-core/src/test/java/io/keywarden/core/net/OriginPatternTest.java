package io.keywarden.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.errors.KeywardenException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Allowed browser origins: exact and leading-wildcard patterns against Origin header values. */
class OriginPatternTest {

  static boolean matches(String pattern, String origin) {
    return OriginPattern.parse(pattern, "allowed_origins").matches(origin);
  }

  @ParameterizedTest(name = "{0} matches {1}: {2}")
  @CsvSource({
      "https://app.example.com,   https://app.example.com,       true",
      "https://app.example.com,   https://app.example.com:443,   true",
      "https://app.example.com,   HTTPS://APP.EXAMPLE.COM,       true",
      "HTTPS://App.Example.com,   https://app.example.com,       true",
      "https://app.example.com,   http://app.example.com,        false",
      "https://app.example.com,   https://app.example.com:8443,  false",
      "https://app.example.com,   https://app.example.com:80,    false",
      "https://app.example.com,   https://example.com,           false",
      "https://app.example.com,   https://x.app.example.com,     false",
      "https://app.example.com,   https://app.example.com.evil.com, false",
      "https://app.example.com,   https://app.example.co,        false",
      "https://app.example.com,   https://app.example.com/,      false",
      "https://app.example.com,   https://app.example.com:,      false",
      "https://app.example.com,   null,                          false",
      "https://app.example.com,   app.example.com,               false",
      "https://app.example.com,   httpss://app.example.com,      false",
      "http://localhost,          http://localhost:80,           true",
      "http://localhost,          http://localhost,              true",
      "http://localhost,          https://localhost,             false",
      "http://localhost:3000,     http://localhost:3000,         true",
      "http://localhost:3000,     http://localhost,              false",
      "http://localhost:3000,     http://localhost:3001,         false",
      "http://localhost:3000,     http://localhost:30000,        false",
      "https://app.example.com:443, https://app.example.com,     true",
      "https://*.example.com,     https://a.example.com,         true",
      "https://*.example.com,     https://a.b.example.com,       true",
      "https://*.example.com,     https://A.EXAMPLE.COM,         true",
      "https://*.example.com,     https://a.example.com:443,     true",
      "https://*.example.com,     https://example.com,           false",
      "https://*.example.com,     https://.example.com,          false",
      "https://*.example.com,     https://evilexample.com,       false",
      "https://*.example.com,     https://a.example.com.evil.com, false",
      "https://*.example.com,     https://a.example.org,         false",
      "https://*.example.com,     http://a.example.com,          false",
      "https://*.example.com,     https://a.example.com:8443,    false",
      "https://*.example.com:8443, https://a.example.com:8443,   true",
      "https://*.example.com:8443, https://a.example.com,        false",
      "http://[::1]:3000,         http://[::1]:3000,             true",
      "http://[::1]:3000,         http://[::1],                  false",
      "http://[::1],              http://[::1],                  true"})
  void patternsMatchExactlyTheirOrigins(String pattern, String origin, boolean expected) {
    assertThat(matches(pattern, "null".equals(origin) ? null : origin)).isEqualTo(expected);
  }

  @Test
  void theLiteralNullOriginNeverMatches() {
    assertThat(matches("https://app.example.com", "null")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://app.example.com:+443", "https://app.example.com: 443",
      "https://app.example.com:\u0664\u0664\u0663", "https://app.example.com:\uff14\uff14\uff13",
      "https://app.example.com:-443", "https://app.example.com:443 "})
  void aPortThatIsNotPlainDigitsNeverMatches(String origin) {
    assertThat(matches("https://app.example.com:443", origin)).isFalse();
  }

  @Test
  void parsingNormalisesCaseAndSpaceAndFillsTheDefaultPort() {
    OriginPattern p = OriginPattern.parse("  HTTPS://App.Example.COM ", "allowed_origins");

    assertThat(p.text()).isEqualTo("https://app.example.com");
    assertThat(p.scheme()).isEqualTo("https");
    assertThat(p.host()).isEqualTo("app.example.com");
    assertThat(p.port()).isEqualTo(443);
    assertThat(p.anySubdomain()).isFalse();
    assertThat(OriginPattern.parse("http://x.io", "o").port()).isEqualTo(80);
    assertThat(OriginPattern.parse("https://*.x.io", "o").anySubdomain()).isTrue();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {
      "app.example.com", "ftp://app.example.com", "https://", "https://app.example.com/",
      "https://app.example.com/path", "https://*.*.example.com", "https://a.*.example.com", "*",
      "https://*", "https://app.example.com:0", "https://app.example.com:70000",
      "https://app.example.com:123456", "https://exa mple.com", "https://-a.com", "https://a-.com",
      "https://a..com", "https://user@app.example.com", "https://app.example.com?x=1", "null"})
  void malformedOriginsAreInvalidRequestsNamingTheField(String text) {
    assertThatThrownBy(() -> OriginPattern.parse(text, "allowed_origins"))
        .isInstanceOfSatisfying(KeywardenException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
          assertThat(e.field()).isEqualTo("allowed_origins");
          assertThat(e.getMessage()).contains("allowed_origins");
        });
  }
}
