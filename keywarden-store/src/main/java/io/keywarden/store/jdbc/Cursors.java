package io.keywarden.store.jdbc;

import io.keywarden.core.errors.KeywardenException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The cursor codec: a cursor is base64url (no padding) of {@code v1:<id>}, or {@code v1:=<id>}
 * when the boundary item itself belongs to the page it leads to.
 *
 * <p>The inclusive form is only made for an empty page, whose far side starts at the boundary.
 */
final class Cursors {
  private static final String VERSION = "v1:";
  private static final String INCLUSIVE = "=";
  private static final Pattern ID = Pattern.compile("[0-9A-Za-z_-]{1,64}");

  /** A decoded cursor: the boundary id and whether the boundary is part of the page. */
  record Cursor(String id, boolean inclusive) {}

  private Cursors() {}

  static String encode(String id, boolean inclusive) {
    String text = VERSION + (inclusive ? INCLUSIVE : "") + id;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Decodes a cursor given in {@code field}.
   *
   * @throws KeywardenException {@code invalid_request} naming {@code field} if Keywarden did not
   *     make {@code cursor}
   */
  static Cursor decode(String cursor, String field) {
    String text;
    try {
      text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid(field);
    }
    if (!text.startsWith(VERSION)) {
      throw invalid(field);
    }
    boolean inclusive = text.startsWith(INCLUSIVE, VERSION.length());
    String id = text.substring(VERSION.length() + (inclusive ? INCLUSIVE.length() : 0));
    if (!ID.matcher(id).matches()) {
      throw invalid(field);
    }
    return new Cursor(id, inclusive);
  }

  private static KeywardenException invalid(String field) {
    return KeywardenException.invalid(field, field + " is not valid.");
  }
}
