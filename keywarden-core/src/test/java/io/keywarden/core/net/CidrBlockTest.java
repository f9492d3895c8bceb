package io.keywarden.core.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.errors.KeywardenException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** CIDR blocks of both families at their boundaries. */
class CidrBlockTest {

  static boolean contains(String block, String address) {
    return CidrBlock.parse(block, "allowed_ips").contains(IpAddress.parse(address));
  }

  @ParameterizedTest(name = "{0} contains {1}: {2}")
  @CsvSource({
      "0.0.0.0/0,        0.0.0.0,         true",
      "0.0.0.0/0,        255.255.255.255, true",
      "0.0.0.0/0,        ::1,             false",
      "0.0.0.0/0,        2001:db8::1,     false",
      "10.0.0.0/8,       10.0.0.0,        true",
      "10.0.0.0/8,       10.255.255.255,  true",
      "10.0.0.0/8,       9.255.255.255,   false",
      "10.0.0.0/8,       11.0.0.0,        false",
      "10.0.0.0/8,       ::ffff:10.1.2.3, true",
      "10.1.2.3/8,       10.200.0.1,      true",
      "192.168.1.7/32,   192.168.1.7,     true",
      "192.168.1.7/32,   192.168.1.6,     false",
      "192.168.1.7/32,   192.168.1.8,     false",
      "192.168.1.7,      192.168.1.7,     true",
      "192.168.1.7,      192.168.1.8,     false",
      "172.16.0.0/12,    172.31.255.255,  true",
      "172.16.0.0/12,    172.32.0.0,      false",
      "128.0.0.0/1,      127.255.255.255, false",
      "128.0.0.0/1,      128.0.0.0,       true",
      "::/0,             2001:db8::1,     true",
      "::/0,             ::,              true",
      "2001:db8::/32,    2001:db8::,      true",
      "2001:db8::/32,    2001:db8:ffff:ffff:ffff:ffff:ffff:ffff, true",
      "2001:db8::/32,    2001:db9::,      false",
      "2001:db8::/32,    2001:db7:ffff:ffff:ffff:ffff:ffff:ffff, false",
      "2001:db8::/32,    1.2.3.4,         false",
      "2001:db8:1:2::/64, 2001:db8:1:2:ffff:ffff:ffff:ffff, true",
      "2001:db8:1:2::/64, 2001:db8:1:3::,  false",
      "2001:db8:1:2::/64, 2001:db8:1:1:ffff:ffff:ffff:ffff, false",
      "2001:db8::1/128,  2001:db8::1,     true",
      "2001:db8::1/128,  2001:db8::2,     false",
      "2001:db8::1/128,  2001:db8::,      false",
      "2001:db8::1,      2001:db8::1,     true",
      "2001:db8::8000:0/97, 2001:db8::ffff:ffff, true",
      "2001:db8::8000:0/97, 2001:db8::7fff:ffff, false",
      "::/96,            1.2.3.4,         false",
      "::/96,            ::1.2.3.4,       true",
      "fe80::/10,        febf::1,         true",
      "fe80::/10,        fec0::1,         false",
      "[2001:db8::]/32,  2001:db8::5,     true"})
  void blocksContainExactlyTheirAddresses(String block, String address, boolean expected) {
    assertThat(contains(block, address)).isEqualTo(expected);
  }

  @Test
  void anIpv4AddressIsInAnIpv6BlockOnlyWhenTheBlockCoversTheIpv4MappedRange() {
    for (String block : new String[] {"2001:db8::/32", "::/96", "::1/128", "64:ff9b::/96", "fe80::/10"}) {
      assertThat(contains(block, "1.2.3.4")).as(block).isFalse();
      assertThat(contains(block, "0.0.0.0")).as(block).isFalse();
    }
    assertThat(contains("::ffff:0:0/96", "1.2.3.4")).isTrue();
    assertThat(contains("::ffff:0:0/96", "2001:db8::1")).isFalse();
    assertThat(contains("::/0", "1.2.3.4")).isTrue();
  }

  @Test
  void aV4MappedBlockInIpv6NotationUsesIpv6PrefixLengths() {
    assertThat(contains("::ffff:10.0.0.0/104", "10.1.2.3")).isTrue();
    assertThat(contains("::ffff:10.0.0.0/104", "11.0.0.0")).isFalse();
    assertThat(contains("::ffff:0.0.0.0/96", "203.0.113.9")).isTrue();
    assertThat(CidrBlock.parse("::ffff:10.0.0.0/104", "allowed_ips").prefixLength()).isEqualTo(104);
    assertThat(CidrBlock.parse("::ffff:10.0.0.0/8", "allowed_ips").prefixLength()).isEqualTo(8);
    assertThat(CidrBlock.parse("10.0.0.0/8", "allowed_ips").prefixLength()).isEqualTo(104);
  }

  @Test
  void theTextIsKeptAsGivenWithoutSurroundingSpace() {
    assertThat(CidrBlock.parse("  10.1.2.3/8 ", "allowed_ips").text()).isEqualTo("10.1.2.3/8");
    assertThat(CidrBlock.parse("10.1.2.3/8", "allowed_ips").network())
        .isEqualTo(IpAddress.parse("10.0.0.0"));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {
      "example.com", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/8a", "10.0.0.0/0008",
      "10.0.0.0/8/8", "2001:db8::/129", "2001:db8::/", "10.0.0.0 /8", "/8", "10.0.0/8", "01.0.0.0/8",
      "10.0.0.0/\uff18", "10.0.0.0/\u0668", "2001:db8::/\uff13\uff12"})
  void malformedBlocksAreInvalidRequestsNamingTheField(String text) {
    assertThatThrownBy(() -> CidrBlock.parse(text, "allowed_ips"))
        .isInstanceOfSatisfying(KeywardenException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
          assertThat(e.field()).isEqualTo("allowed_ips");
          assertThat(e.getMessage()).contains("allowed_ips");
        });
  }

  @Test
  void thePrefixLengthErrorNamesTheLimit() {
    assertThatThrownBy(() -> CidrBlock.parse("10.0.0.0/33", "ips"))
        .hasMessageContaining("32").hasMessageContaining("ips");
    assertThatThrownBy(() -> CidrBlock.parse("::/129", "ips")).hasMessageContaining("128");
  }
}
