package io.keywarden.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Parsing IPv4 and IPv6 literals into the 128-bit form; names are never resolved. */
class IpAddressTest {

  /** The JDK's reading of a literal, in the IPv4-mapped 128-bit form. */
  static IpAddress jdk(String literal) throws Exception {
    byte[] b = InetAddress.getByName(literal).getAddress();
    if (b.length == 4) {
      long v4 = ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
      return new IpAddress(0, 0x0000_FFFF_0000_0000L | v4);
    }
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 8; i++) {
      hi = (hi << 8) | (b[i] & 0xFF);
      lo = (lo << 8) | (b[i + 8] & 0xFF);
    }
    return new IpAddress(hi, lo);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "0.0.0.0", "255.255.255.255", "192.168.1.1", "10.0.0.1", "100.64.0.10",
      "::", "::1", "1::", "2001:db8::1", "2001:DB8:0:0:0:0:0:1", "2001:0db8:0000:0000:0000:0000:0000:0001",
      "fe80::1:2", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1::8", "1:2::7:8",
      "::ffff:192.0.2.1", "64:ff9b::192.0.2.33", "1:2:3:4:5:6:1.2.3.4", "::1.2.3.4",
      "[::1]", "[2001:db8::1]", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"})
  void literalsParseToWhatTheJdkReads(String literal) throws Exception {
    assertThat(IpAddress.parse(literal)).isEqualTo(jdk(literal));
  }

  @Test
  void ipv4AddressesAreHeldIpv4Mapped() {
    IpAddress a = IpAddress.parse("192.0.2.1");

    assertThat(a.isV4()).isTrue();
    assertThat(a).isEqualTo(IpAddress.parse("::ffff:192.0.2.1"));
    assertThat(a).isEqualTo(IpAddress.parse("::ffff:c000:201"));
    assertThat(a.toString()).isEqualTo("192.0.2.1");
    assertThat(IpAddress.parse("::1").isV4()).isFalse();
    assertThat(IpAddress.parse("::1.2.3.4").isV4()).isFalse();
  }

  @Test
  void aZoneIdIsIgnored() {
    assertThat(IpAddress.parse("fe80::1%eth0")).isEqualTo(IpAddress.parse("fe80::1"));
    assertThat(IpAddress.parse("[fe80::1%25eth0]")).isEqualTo(IpAddress.parse("fe80::1"));
  }

  @Test
  void ipv6IsPrintedInFullLowerCaseGroups() {
    assertThat(IpAddress.parse("2001:DB8::1").toString()).isEqualTo("2001:db8:0:0:0:0:0:1");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {
      "localhost", "example.com", "app.example.com", "cafe", "1.2.3.4.example",
      "01.2.3.4", "1.2.3.04", "00.0.0.0", "1.02.3.4",
      "256.1.1.1", "1.2.3.256", "1.2.3.1000", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3",
      "1.2.3.-1", " 1.2.3.4", "1.2.3.4 ", "1.2.3.4/8", "0x7f.0.0.1", "2130706433",
      "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7",
      "1::2::3", "::1::", ":::", "1:::2", ":1::", "1:", ":1", "1:2:3:4:5:6:7:8:", "g::1",
      "::ffff:1.2.3", "::ffff:256.1.1.1", "::ffff:01.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:5",
      "[::1", "::1]", "[]", "[", "]", "::\uff11", "\uff11::", "::\uff21", "fe80::\u0661"})
  void nonLiteralsAreRejected(String text) {
    assertThat(IpAddress.parse(text)).isNull();
  }

  @Test
  void overlongInputIsRejected() {
    assertThat(IpAddress.parse("0".repeat(30) + "::" + "0".repeat(40))).isNull();
  }
}
