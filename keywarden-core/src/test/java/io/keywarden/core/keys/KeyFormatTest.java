package io.keywarden.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The key grammar by example: shapes that are malformed, the checksum, display and randomness. */
class KeyFormatTest {
  private static final String RANDOM = "4Q0m8dJz1Yb2P7sVx9TfK3cL5nRwHa";

  @Test
  void everySingleCharacterChangeFailsTheChecksum() {
    for (String prefix : new String[] {"k", "kw_sk_live", "a".repeat(40)}) {
      String key = KeyFormat.generate(prefix);
      for (int position = 0; position < key.length(); position++) {
        for (char c : (KeyShapes.DIGITS + "_-+/= .\u00e9\u0000").toCharArray()) {
          if (c == key.charAt(position)) {
            continue;
          }
          int result = KeyFormat.check(KeyShapes.replaceAt(key, position, c));
          if (position >= KeyShapes.bodyStart(key) && Base62.isDigit(c)) {
            assertThat(result).as("%s at %d", c, position).isEqualTo(KeyFormat.BAD_CHECKSUM);
          } else {
            assertThat(result).as("%s at %d", c, position).isNotEqualTo(KeyFormat.OK);
          }
        }
      }
    }
  }

  @Test
  void theShortestAndLongestPrefixesMakeKeysOf38And77Characters() {
    assertThat(KeyFormat.generate("k")).hasSize(38);
    assertThat(KeyFormat.generate("a".repeat(40))).hasSize(77).hasSize(KeyFormat.MAX_KEY_LENGTH);
  }

  @Test
  void aKeyBuiltByHandWithTheJdkChecksumPasses() {
    assertThat(KeyFormat.check(KeyShapes.withChecksum("kw_sk_live", RANDOM)))
        .isEqualTo(KeyFormat.OK);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "k", "kw_sk_live", "kw_sk_live_", "kw_sk_live_abc"})
  void emptyAndShortStringsAreMalformed(String candidate) {
    assertThat(KeyFormat.check(candidate)).isEqualTo(KeyFormat.MALFORMED);
  }

  @Test
  void oneCharacterTooShortIsMalformed() {
    String key = KeyShapes.withChecksum("k", RANDOM);
    assertThat(KeyFormat.check(key.substring(1))).isEqualTo(KeyFormat.MALFORMED);
    assertThat(KeyFormat.check(key.substring(0, key.length() - 1))).isEqualTo(KeyFormat.MALFORMED);
  }

  @Test
  void aPrefixOf41CharactersIsMalformedEvenWithACorrectChecksum() {
    assertThat(KeyFormat.check(KeyShapes.withChecksum("a".repeat(40), RANDOM)))
        .isEqualTo(KeyFormat.OK);
    assertThat(KeyFormat.check(KeyShapes.withChecksum("a".repeat(41), RANDOM)))
        .isEqualTo(KeyFormat.MALFORMED);
  }

  /** Each prefix breaks one grammar rule; the checksum is correct, so only the grammar rejects. */
  @ParameterizedTest
  @ValueSource(strings = {
      "KW_sk_live", "kw_SK_live", "kw_sk_Live", "1kw_live", "kw_1live", "kw__x", "_kw", "kw_",
      "kw-live", "kw.live", "kw live", "kw\u00e9"})
  void prefixesOutsideTheGrammarAreMalformedEvenWithACorrectChecksum(String prefix) {
    assertThat(KeyFormat.check(KeyShapes.withChecksum(prefix, RANDOM)))
        .isEqualTo(KeyFormat.MALFORMED);
    assertThat(KeyFormat.isValidPrefix(prefix)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(chars = {'-', '_', '+', '/', '=', ' ', '.', '\u00e9', '\u0661', '\uff10'})
  void aNonBase62CharacterInTheBodyIsMalformed(char c) {
    String key = KeyFormat.generate("kw_sk_live");
    for (int position = KeyShapes.bodyStart(key); position < key.length(); position++) {
      assertThat(KeyFormat.check(KeyShapes.replaceAt(key, position, c)))
          .as("%s at %d", c, position).isEqualTo(KeyFormat.MALFORMED);
    }
  }

  @Test
  void aKeyWithoutTheUnderscoreBeforeTheBodyIsMalformed() {
    String head = "kwsklive" + RANDOM;
    assertThat(KeyFormat.check(head + KeyShapes.checksum(head))).isEqualTo(KeyFormat.MALFORMED);
  }

  @Test
  void surroundingWhitespaceMakesAKeyMalformed() {
    String key = KeyFormat.generate("kw_sk_live");
    assertThat(KeyFormat.check(" " + key)).isEqualTo(KeyFormat.MALFORMED);
    assertThat(KeyFormat.check(key + "\n")).isEqualTo(KeyFormat.MALFORMED);
  }

  @Test
  void aChecksumAboveTheCrc32RangeFails() {
    String head = "kw_sk_live_" + RANDOM;
    assertThat(KeyFormat.check(head + "zzzzzz")).isEqualTo(KeyFormat.BAD_CHECKSUM);
  }

  @Test
  void theChecksumIsLeftPaddedWithZeros() {
    assertThat(KeyShapes.fixedBase62(0, 6)).isEqualTo("000000");
    assertThat(KeyShapes.fixedBase62(61, 6)).isEqualTo("00000z");
    assertThat(KeyShapes.fixedBase62(0xFFFFFFFFL, 6)).isEqualTo("4gfFC3");
  }

  @Test
  void prefixOfReturnsEverythingBeforeTheLastUnderscore() {
    String key = KeyFormat.generate("metorial_sk");
    assertThat(KeyFormat.prefixOf(key)).isEqualTo("metorial_sk");
  }

  @Test
  void theDisplayFormOfAKnownKey() {
    String key = KeyShapes.withChecksum("kw_sk_live", RANDOM);
    String body = key.substring(KeyShapes.bodyStart(key));

    assertThat(KeyFormat.displayForm(key))
        .isEqualTo("kw_sk_live_4Q0m\u2026" + body.substring(32))
        .doesNotContain(body.substring(4, 8))
        .hasSize("kw_sk_live_".length() + 4 + 1 + 4);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "KW", "kw__x", "1kw", "kw_", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
  void generateRejectsInvalidPrefixes(String prefix) {
    assertThatThrownBy(() -> KeyFormat.generate(prefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prefix");
  }

  @Test
  void theRandomPartCarriesAtLeast160Bits() {
    double bits = KeyFormat.RANDOM_LENGTH * (Math.log(62) / Math.log(2));
    assertThat(KeyFormat.RANDOM_LENGTH).isGreaterThanOrEqualTo(30);
    assertThat(bits).isGreaterThanOrEqualTo(160.0);
  }

  @Test
  void generatedKeysAreDistinctOverManyDraws() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      assertThat(seen.add(KeyFormat.generate("kw_sk_live"))).isTrue();
    }
  }

  @Test
  void everyBase62DigitIsAboutEquallyLikelyInTheRandomPart() {
    int keys = 20_000;
    int[] counts = new int[62];
    for (int i = 0; i < keys; i++) {
      String key = KeyFormat.generate("k");
      for (int p = 2; p < 2 + KeyFormat.RANDOM_LENGTH; p++) {
        counts[KeyShapes.DIGITS.indexOf(key.charAt(p))]++;
      }
    }
    double expected = keys * KeyFormat.RANDOM_LENGTH / 62.0;
    for (int d = 0; d < 62; d++) {
      // About 9,700 per digit with a standard deviation near 97: 10% is over nine sigmas.
      assertThat((double) counts[d])
          .as("digit %s", KeyShapes.DIGITS.charAt(d))
          .isBetween(expected * 0.9, expected * 1.1);
    }
  }

  @Test
  void theScannerRegexIgnoresTokensWithAShortBody() {
    Pattern scanner = Pattern.compile(KeyFormat.SCANNER_REGEX);
    String key = KeyFormat.generate("kw_sk_live");

    assertThat(scanner.matcher("token " + key.substring(0, key.length() - 1) + " end").find())
        .isFalse();
    assertThat(scanner.matcher("{\"key\":\"" + key + "\"}").results().map(r -> r.group()))
        .containsExactly(key);
  }
}
