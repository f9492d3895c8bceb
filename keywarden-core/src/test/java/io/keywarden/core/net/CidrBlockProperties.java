package io.keywarden.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** {@link CidrBlock#contains} against prefix arithmetic on {@link BigInteger}. */
class CidrBlockProperties {

  static BigInteger value(IpAddress a) {
    return new BigInteger(1, longsToBytes(a.high(), a.low()));
  }

  static byte[] longsToBytes(long hi, long lo) {
    byte[] b = new byte[16];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (hi >>> (56 - 8 * i));
      b[i + 8] = (byte) (lo >>> (56 - 8 * i));
    }
    return b;
  }

  static boolean reference(IpAddress network, int prefix128, IpAddress address) {
    return value(network).shiftRight(128 - prefix128).equals(value(address).shiftRight(128 - prefix128));
  }

  static String v6(long hi, long lo) {
    StringBuilder sb = new StringBuilder();
    for (int g = 0; g < 8; g++) {
      long word = g < 4 ? hi : lo;
      if (g > 0) {
        sb.append(':');
      }
      sb.append(Long.toHexString((word >>> (48 - 16 * (g % 4))) & 0xFFFF));
    }
    return sb.toString();
  }

  static String v4(int bits) {
    long v = bits & 0xFFFF_FFFFL;
    return (v >>> 24) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
  }

  @Property
  void ipv6BlocksContainAnAddressExactlyWhenItsLeadingBitsMatch(
      @ForAll long netHi, @ForAll long netLo, @ForAll @IntRange(max = 128) int prefix,
      @ForAll long addrHi, @ForAll long addrLo, @ForAll @IntRange(max = 128) int sharedBits) {
    // Make the address share a random number of leading bits with the network, so that both
    // answers are common.
    BigInteger net = new BigInteger(1, longsToBytes(netHi, netLo));
    BigInteger addr = new BigInteger(1, longsToBytes(addrHi, addrLo));
    BigInteger keep = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE)
        .shiftRight(sharedBits);
    BigInteger mixed = net.andNot(keep).or(addr.and(keep));
    IpAddress address = IpAddress.parse(v6(mixed.shiftRight(64).longValue(), mixed.longValue()));
    String block = v6(netHi, netLo) + "/" + prefix;

    CidrBlock cidr = CidrBlock.parse(block, "allowed_ips");

    assertThat(cidr.contains(address))
        .as("%s contains %s", block, address)
        .isEqualTo(reference(IpAddress.parse(v6(netHi, netLo)), prefix, address));
  }

  @Property
  void ipv4BlocksContainAnAddressExactlyWhenItsLeadingBitsMatch(
      @ForAll int net, @ForAll @IntRange(max = 32) int prefix,
      @ForAll int addr, @ForAll @IntRange(max = 32) int sharedBits) {
    int keep = sharedBits == 32 ? 0 : (int) (0xFFFF_FFFFL >>> sharedBits);
    int mixed = (net & ~keep) | (addr & keep);
    IpAddress address = IpAddress.parse(v4(mixed));
    String block = v4(net) + "/" + prefix;

    boolean expected = prefix == 0 || ((net ^ mixed) >>> (32 - prefix)) == 0;

    assertThat(CidrBlock.parse(block, "allowed_ips").contains(address))
        .as("%s contains %s", block, address).isEqualTo(expected);
  }

  @Property
  void noIpv4BlockContainsAnAddressOutsideTheMappedRange(
      @ForAll int net, @ForAll @IntRange(max = 32) int prefix, @ForAll long hi, @ForAll long lo) {
    IpAddress address = IpAddress.parse(v6(hi, lo));
    Assume.that(!address.isV4());

    assertThat(CidrBlock.parse(v4(net) + "/" + prefix, "allowed_ips").contains(address)).isFalse();
  }
}
