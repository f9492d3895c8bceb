package io.keywarden.security.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Renders decoded path segments as a canonical raw path: every byte outside unreserved escaped. */
final class Paths {
  private Paths() {}

  static String encodeSegment(String decoded) {
    StringBuilder sb = new StringBuilder();
    for (byte b : decoded.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '~') {
        sb.append((char) c);
      } else if (c == '.') {
        sb.append('.');
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }

  static String render(List<String> segments) {
    if (segments.isEmpty()) {
      return "/";
    }
    StringBuilder sb = new StringBuilder();
    for (String s : segments) {
      sb.append('/').append(encodeSegment(s));
    }
    return sb.toString();
  }
}
