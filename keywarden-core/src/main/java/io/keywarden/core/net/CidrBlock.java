package io.keywarden.core.net;

import io.keywarden.core.errors.KeywardenException;

/**
 * A block of addresses in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); a bare
 * address is a block of one.
 *
 * @param prefixLength the number of fixed leading bits in the 128-bit (IPv4-mapped) space
 */
public record CidrBlock(IpAddress network, int prefixLength, String text) {

  /**
   * Parses CIDR notation.
   *
   * @param field the input field named in the error
   * @throws KeywardenException {@code invalid_request} naming {@code field} when it is not CIDR
   */
  public static CidrBlock parse(String text, String field) {
    String t = text == null ? "" : text.trim();
    int slash = t.indexOf('/');
    IpAddress addr = IpAddress.parse(slash < 0 ? t : t.substring(0, slash));
    if (addr == null) {
      throw KeywardenException.invalid(
          field, "\"" + text + "\" in " + field + " is not an IP address or CIDR block.");
    }
    // The notation decides the family: "::ffff:10.0.0.0/104" is an IPv6 block, although the
    // address it starts at is held IPv4-mapped like every IPv4 address.
    boolean v4 = (slash < 0 ? t : t.substring(0, slash)).indexOf(':') < 0;
    int max = v4 ? 32 : 128;
    int len = max;
    if (slash >= 0) {
      String bits = t.substring(slash + 1);
      if (bits.isEmpty() || bits.length() > 3
          || !bits.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw KeywardenException.invalid(
            field, "\"" + text + "\" in " + field + " has an invalid prefix length.");
      }
      len = Integer.parseInt(bits);
      if (len > max) {
        throw KeywardenException.invalid(
            field, "\"" + text + "\" in " + field + " has a prefix length over " + max + ".");
      }
    }
    int prefix128 = v4 ? 96 + len : len;
    IpAddress network = mask(addr, prefix128);
    return new CidrBlock(network, prefix128, t);
  }

  /** Whether {@code address} is in this block. */
  public boolean contains(IpAddress address) {
    IpAddress masked = mask(address, prefixLength);
    return masked.high() == network.high() && masked.low() == network.low();
  }

  private static IpAddress mask(IpAddress a, int bits) {
    long hiMask = bits >= 64 ? -1L : bits == 0 ? 0L : -1L << (64 - bits);
    long loMask = bits <= 64 ? 0L : bits == 128 ? -1L : -1L << (128 - bits);
    return new IpAddress(a.high() & hiMask, a.low() & loMask);
  }

  @Override
  public String toString() {
    return text;
  }
}
