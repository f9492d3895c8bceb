package io.keywarden.core.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.errors.KeywardenException;
import org.junit.jupiter.api.Test;

/** Anything shaped like a key is replaced by its display form in text meant for people. */
class KeyRedactionTest {
  @Test
  void aKeyInsideTextIsReplacedByItsDisplayForm() {
    String key = KeyFormat.generate("kw_sk_live");
    String text = "GET /v1/keys/" + key + "/rotate failed";
    assertThat(KeyFormat.redact(text))
        .doesNotContain(key)
        .isEqualTo("GET /v1/keys/" + KeyFormat.displayForm(key) + "/rotate failed");
  }

  @Test
  void keysWithABadChecksumAreRedactedToo() {
    String key = KeyFormat.generate("nm_live");
    String mistyped = key.substring(0, key.length() - 1) + (key.endsWith("a") ? "b" : "a");
    assertThat(KeyFormat.redact("token " + mistyped)).doesNotContain(mistyped.substring(8, 40));
  }

  @Test
  void everyKeyInTheTextIsRedacted() {
    String a = KeyFormat.generate("kw_sk_live");
    String b = KeyFormat.generate("metorial_pk");
    String out = KeyFormat.redact(a + "," + b + " and " + a);
    assertThat(out).doesNotContain(a).doesNotContain(b).contains(KeyFormat.displayForm(b));
  }

  @Test
  void aKeyRightAfterKeyShapedTextIsRedactedToo() {
    // Found by the key-grammar fuzzer: a key-shaped run that swallows a one-segment prefix
    // ("...hUZpk") used to leave the real key's body in the text.
    String key = KeyFormat.generate("pk");
    String text = "kw_a_" + "rvEsnU7fv7VnzCTkcqMdT6jGegi7dZ3hUZ" + key;
    String out = KeyFormat.redact(text);
    assertThat(out).doesNotContain(key.substring(3));
  }

  @Test
  void textWithoutKeysIsUnchanged() {
    assertThat(KeyFormat.redact("No such endpoint: GET /v1/nothing.")).isEqualTo("No such endpoint: GET /v1/nothing.");
    assertThat(KeyFormat.redact("key_0Lz3kQm9aB7xYc2dE4fG5h")).isEqualTo("key_0Lz3kQm9aB7xYc2dE4fG5h");
    assertThat(KeyFormat.redact(null)).isNull();
  }

  @Test
  void clientErrorMessagesAndFieldsNeverCarryAKey() {
    String key = KeyFormat.generate("kw_sk_live");
    var e = KeywardenException.invalid(key, "Unknown field \"" + key + "\".");
    assertThat(e.getMessage()).doesNotContain(key);
    assertThat(e.field()).doesNotContain(key);
  }
}
