package io.keywarden.security.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.keywarden.core.keys.KeyFormat;
import java.util.regex.Pattern;

/**
 * The key grammar ({@link KeyFormat}): any text is OK, MALFORMED or BAD_CHECKSUM and never an
 * exception; the verdict agrees with a regular-expression reading of the documented grammar; a
 * generated key checks OK and any one changed character makes it fail; redaction leaves no
 * key-shaped text behind.
 */
class KeyFormatFuzzTest {
  /** The grammar of the class comment, written independently of the hand-written checker. */
  private static final Pattern GRAMMAR =
      Pattern.compile("([a-z][a-z0-9]*(?:_[a-z][a-z0-9]*)*)_[0-9A-Za-z]{36}");
  private static final Pattern KEY_SHAPED =
      Pattern.compile("[a-z][a-z0-9]*(?:_[a-z][a-z0-9]*)*_[0-9A-Za-z]{36}(?![0-9A-Za-z])");
  private static final String BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  @FuzzTest(maxDuration = "30s")
  void aPresentedKeyIsCheckedWithoutExceptionsAndAsTheGrammarSays(byte[] bytes) {
    // Seed files: a prefix for generated keys on the first line, then the presented text.
    FuzzInput in = new FuzzInput(bytes);
    String prefix = in.line();
    String text = in.restAsString();
    int mode = bytes.length % 3;

    // 1. Any text: a verdict, never an exception, and the grammar's verdict.
    int verdict = KeyFormat.check(text);
    assertThat(verdict).isIn(KeyFormat.OK, KeyFormat.MALFORMED, KeyFormat.BAD_CHECKSUM);
    var m = GRAMMAR.matcher(text);
    boolean grammatical = m.matches() && m.group(1).length() <= KeyFormat.MAX_PREFIX_LENGTH;
    assertThat(verdict != KeyFormat.MALFORMED).as("grammar verdict for %s", text).isEqualTo(grammatical);
    if (verdict == KeyFormat.OK) {
      assertThat(KeyFormat.prefixOf(text)).isEqualTo(m.group(1));
      assertThat(KeyFormat.displayForm(text)).doesNotContain(text.substring(text.length() - 36));
    }

    // 2. Redaction of any text leaves nothing key-shaped behind.
    String redacted = KeyFormat.redact(text);
    assertThat(KEY_SHAPED.matcher(redacted).find()).as("redact(%s) = %s", text, redacted).isFalse();

    // 3. Generated keys: OK, and a one-character change is always caught.
    if (mode > 0 && KeyFormat.isValidPrefix(prefix)) {
      String key = KeyFormat.generate(prefix);
      assertThat(KeyFormat.check(key)).isEqualTo(KeyFormat.OK);
      assertThat(KeyFormat.prefixOf(key)).isEqualTo(prefix);
      int at = key.length() - 1 - Math.floorMod(text.hashCode(), KeyFormat.BODY_LENGTH);
      char was = key.charAt(at);
      char now = BASE62.charAt(Math.floorMod(BASE62.indexOf(was) + 1 + Math.floorMod(mode * 31 + text.length(), 61), 62));
      String changed = key.substring(0, at) + now + key.substring(at + 1);
      assertThat(KeyFormat.check(changed)).as("%s changed at %d", key, at).isEqualTo(KeyFormat.BAD_CHECKSUM);
      assertThat(KeyFormat.redact("x " + key + " y")).doesNotContain(key);
    } else if (!prefix.isEmpty() && !KeyFormat.isValidPrefix(prefix)) {
      assertThat(GRAMMAR.matcher(prefix + "_" + "0".repeat(36)).matches() && prefix.length() <= 40).isFalse();
    }
  }
}
