package io.keywarden.core.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of the key grammar and its checksum over arbitrary valid prefixes. */
class KeyFormatProperties {
  private static final Pattern SCANNER = Pattern.compile(KeyFormat.SCANNER_REGEX);

  @Provide
  Arbitrary<String> prefixes() {
    return KeyShapes.prefixes();
  }

  /** Any base62 digit, any ASCII character, or any character at all. */
  @Provide
  Arbitrary<Character> replacements() {
    return Arbitraries.oneOf(
        Arbitraries.of(KeyShapes.DIGITS.chars().mapToObj(c -> (char) c).toList()),
        Arbitraries.chars().ascii(),
        Arbitraries.chars());
  }

  @Property
  void everyGeneratedKeyPassesTheCheck(@ForAll("prefixes") String prefix) {
    String key = KeyFormat.generate(prefix);

    assertThat(KeyFormat.check(key)).isEqualTo(KeyFormat.OK);
    assertThat(key).hasSize(prefix.length() + 1 + KeyFormat.BODY_LENGTH);
    assertThat(KeyFormat.prefixOf(key)).isEqualTo(prefix);
  }

  @Property
  void theChecksumIsTheJdkCrc32OfPrefixAndRandomAsSixBase62Digits(
      @ForAll("prefixes") String prefix) {
    String key = KeyFormat.generate(prefix);
    String head = key.substring(0, key.length() - KeyFormat.CHECKSUM_LENGTH);

    assertThat(key.substring(head.length())).isEqualTo(KeyShapes.checksum(head));
  }

  @Property
  void keysBuiltWithTheJdkChecksumPassTheCheck(
      @ForAll("prefixes") String prefix, @ForAll("random30") String random) {
    assertThat(KeyFormat.check(KeyShapes.withChecksum(prefix, random))).isEqualTo(KeyFormat.OK);
  }

  @Property
  void aSingleCharacterChangeAnywhereIsNeverAccepted(
      @ForAll("prefixes") String prefix,
      @ForAll @IntRange(min = 0, max = 10_000) int where,
      @ForAll("replacements") char replacement) {
    String key = KeyFormat.generate(prefix);
    int position = where % key.length();
    Assume.that(key.charAt(position) != replacement);

    int result = KeyFormat.check(KeyShapes.replaceAt(key, position, replacement));

    boolean inBody = position >= KeyShapes.bodyStart(key);
    if (inBody && Base62.isDigit(replacement)) {
      assertThat(result).isEqualTo(KeyFormat.BAD_CHECKSUM);
    } else if (inBody) {
      assertThat(result).isEqualTo(KeyFormat.MALFORMED);
    } else {
      assertThat(result).isIn(KeyFormat.MALFORMED, KeyFormat.BAD_CHECKSUM);
    }
  }

  @Property
  void swappingTwoDifferentAdjacentCharactersOfTheRandomPartFailsTheChecksum(
      @ForAll("prefixes") String prefix,
      @ForAll @IntRange(min = 0, max = KeyFormat.RANDOM_LENGTH - 2) int offset) {
    String key = KeyFormat.generate(prefix);
    int i = KeyShapes.bodyStart(key) + offset;
    Assume.that(key.charAt(i) != key.charAt(i + 1));

    String swapped = key.substring(0, i) + key.charAt(i + 1) + key.charAt(i) + key.substring(i + 2);

    assertThat(KeyFormat.check(swapped)).isEqualTo(KeyFormat.BAD_CHECKSUM);
  }

  @Provide
  Arbitrary<String> random30() {
    return KeyShapes.base62(KeyFormat.RANDOM_LENGTH);
  }

  @Provide
  Arbitrary<String> body36() {
    return KeyShapes.base62(KeyFormat.BODY_LENGTH);
  }

  @Property
  void randomStringsOfTheKeyShapeFailTheChecksum(
      @ForAll("prefixes") String prefix, @ForAll("body36") String body) {
    String candidate = prefix + "_" + body;
    // A random 6-digit tail equals the CRC with probability 1 / 62^6, about 2e-11 per try.
    Assume.that(!body.substring(KeyFormat.RANDOM_LENGTH)
        .equals(KeyShapes.checksum(candidate.substring(0, candidate.length() - 6))));

    assertThat(KeyFormat.check(candidate)).isEqualTo(KeyFormat.BAD_CHECKSUM);
  }

  @Property
  void theDisplayFormShowsThePrefixTheFirstAndLastFourCharactersAndNothingElse(
      @ForAll("prefixes") String prefix) {
    String key = KeyFormat.generate(prefix);
    String body = key.substring(KeyShapes.bodyStart(key));

    assertThat(KeyFormat.displayForm(key))
        .isEqualTo(prefix + "_" + body.substring(0, 4) + "\u2026" + body.substring(32));
  }

  @Property
  void keysThatDifferOnlyInTheMiddleHaveTheSameDisplayForm(
      @ForAll("prefixes") String prefix, @ForAll("middle") String middle) {
    String key = KeyFormat.generate(prefix);
    int from = KeyShapes.bodyStart(key) + 4;
    String other = key.substring(0, from) + middle + key.substring(key.length() - 4);

    assertThat(KeyFormat.displayForm(other)).isEqualTo(KeyFormat.displayForm(key));
  }

  @Provide
  Arbitrary<String> middle() {
    return KeyShapes.base62(KeyFormat.BODY_LENGTH - 8);
  }

  @Property
  void theScannerRegexMatchesEveryGeneratedKey(@ForAll("prefixes") String prefix) {
    String key = KeyFormat.generate(prefix);

    assertThat(SCANNER.matcher(key).matches()).isTrue();
    var inText = SCANNER.matcher("Authorization: Bearer " + key + "\r\n");
    assertThat(inText.find()).isTrue();
    assertThat(inText.group()).isEqualTo(key);
  }
}
