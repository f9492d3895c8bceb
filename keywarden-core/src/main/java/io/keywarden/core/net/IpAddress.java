package io.keywarden.core.net;

/**
 * An IPv4 or IPv6 address as a 128-bit value; IPv4 addresses are held IPv4-mapped
 * ({@code ::ffff:a.b.c.d}), so one CIDR check serves both families.
 *
 * <p>{@link #parse} reads literals only and never resolves names.
 */
public record IpAddress(long high, long low) {
  private static final long V4_MAPPED_HIGH = 0L;
  private static final long V4_MAPPED_LOW_PREFIX = 0x0000_FFFF_0000_0000L;

  /** Whether this is an IPv4 (IPv4-mapped) address. */
  public boolean isV4() {
    return high == V4_MAPPED_HIGH && (low & 0xFFFF_FFFF_0000_0000L) == V4_MAPPED_LOW_PREFIX;
  }

  /**
   * Parses an IPv4 or IPv6 literal; IPv6 may be in brackets and carry a zone ({@code %eth0}),
   * which is ignored.
   *
   * @return the address, or {@code null} if {@code s} is not a literal address
   */
  public static IpAddress parse(String s) {
    if (s == null || s.isEmpty() || s.length() > 64) {
      return null;
    }
    int start = 0;
    int end = s.length();
    if (s.charAt(0) == '[') {
      if (s.charAt(end - 1) != ']') {
        return null;
      }
      start = 1;
      end--;
    }
    int zone = s.indexOf('%', start);
    if (zone >= 0 && zone < end) {
      end = zone;
    }
    if (s.indexOf(':', start) < 0) {
      long v4 = parseV4(s, start, end);
      return v4 < 0 ? null : new IpAddress(V4_MAPPED_HIGH, V4_MAPPED_LOW_PREFIX | v4);
    }
    return parseV6(s, start, end);
  }

  /** Parses dotted-quad {@code s[from,to)}; returns the 32-bit value or -1. */
  static long parseV4(String s, int from, int to) {
    long value = 0;
    int parts = 0;
    int i = from;
    while (parts < 4) {
      int digits = 0;
      int octet = 0;
      while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        if (digits > 0 && octet == 0) {
          return -1; // no leading zeros: they mean octal to some parsers
        }
        octet = octet * 10 + (s.charAt(i) - '0');
        digits++;
        i++;
        if (digits > 3) {
          return -1;
        }
      }
      if (digits == 0 || octet > 255) {
        return -1;
      }
      value = (value << 8) | octet;
      parts++;
      if (parts < 4) {
        if (i >= to || s.charAt(i) != '.') {
          return -1;
        }
        i++;
      }
    }
    return i == to ? value : -1;
  }

  private static IpAddress parseV6(String s, int from, int to) {
    int[] groups = new int[8];
    int count = 0;
    int gap = -1;
    int i = from;
    if (to - from >= 2 && s.charAt(from) == ':' && s.charAt(from + 1) == ':') {
      gap = 0;
      i = from + 2;
      if (i == to) {
        return new IpAddress(0, 0);
      }
    } else if (i < to && s.charAt(i) == ':') {
      return null;
    }
    while (i < to) {
      if (count >= 8) {
        return null;
      }
      int groupStart = i;
      int value = 0;
      int digits = 0;
      while (i < to && digits <= 4) {
        int d = hexDigit(s.charAt(i));
        if (d < 0) {
          break;
        }
        value = (value << 4) | d;
        digits++;
        i++;
      }
      if (i < to && s.charAt(i) == '.') {
        // Trailing embedded IPv4.
        if (count > 6) {
          return null;
        }
        long v4 = parseV4(s, groupStart, to);
        if (v4 < 0) {
          return null;
        }
        groups[count++] = (int) (v4 >>> 16);
        groups[count++] = (int) (v4 & 0xFFFF);
        i = to;
        break;
      }
      if (digits == 0 || digits > 4) {
        return null;
      }
      groups[count++] = value;
      if (i == to) {
        break;
      }
      if (s.charAt(i) != ':') {
        return null;
      }
      i++;
      if (i < to && s.charAt(i) == ':') {
        if (gap >= 0) {
          return null;
        }
        gap = count;
        i++;
        if (i == to) {
          break;
        }
      } else if (i == to) {
        return null;
      }
    }
    if (gap < 0 && count != 8) {
      return null;
    }
    if (gap >= 0 && count > 7) {
      return null;
    }
    int[] full = new int[8];
    if (gap < 0) {
      full = groups;
    } else {
      int tail = count - gap;
      System.arraycopy(groups, 0, full, 0, gap);
      System.arraycopy(groups, gap, full, 8 - tail, tail);
    }
    long hi = 0;
    long lo = 0;
    for (int g = 0; g < 4; g++) {
      hi = (hi << 16) | full[g];
      lo = (lo << 16) | full[g + 4];
    }
    return new IpAddress(hi, lo);
  }

  /** The value of an ASCII hex digit, else -1 ({@link Character#digit} takes fullwidth ones). */
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  @Override
  public String toString() {
    if (isV4()) {
      long v = low & 0xFFFF_FFFFL;
      return (v >>> 24) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
    }
    StringBuilder sb = new StringBuilder();
    for (int g = 0; g < 8; g++) {
      long word = g < 4 ? high : low;
      int shift = 48 - 16 * (g % 4);
      if (g > 0) {
        sb.append(':');
      }
      sb.append(Long.toHexString((word >>> shift) & 0xFFFF));
    }
    return sb.toString();
  }
}
