package io.keywarden.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.net.CidrBlock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's address behind trusted proxies, and what goes upstream in X-Forwarded-For. */
class ClientAddressTest {
  private final ClientAddress behindProxies = new ClientAddress(List.of(
      CidrBlock.parse("10.0.0.0/8", "trusted_proxies"), CidrBlock.parse("fd00::/8", "trusted_proxies")));

  @Test
  void withoutTrustedProxiesThePeerIsTheClientAndClaimsAreDropped() {
    var r = ClientAddress.direct().resolve("198.51.100.9", "1.2.3.4");
    assertThat(r.client()).isEqualTo("198.51.100.9");
    assertThat(r.forwardedFor()).isEqualTo("198.51.100.9");
  }

  @Test
  void anUntrustedPeerCannotClaimAnotherAddress() {
    var r = behindProxies.resolve("198.51.100.9", "1.2.3.4");
    assertThat(r.client()).isEqualTo("198.51.100.9");
    assertThat(r.forwardedFor()).isEqualTo("198.51.100.9");
  }

  @Test
  void behindATrustedProxyTheForwardedAddressIsTheClient() {
    var r = behindProxies.resolve("10.0.0.2", "203.0.113.7");
    assertThat(r.client()).isEqualTo("203.0.113.7");
    assertThat(r.forwardedFor()).isEqualTo("203.0.113.7, 10.0.0.2");
  }

  @Test
  void theWalkSkipsTrustedHopsFromTheRightAndStopsAtTheFirstUntrustedOne() {
    var r = behindProxies.resolve("10.0.0.2", "6.6.6.6, 203.0.113.7, 10.1.1.1");
    assertThat(r.client()).isEqualTo("203.0.113.7");
    assertThat(r.forwardedFor()).isEqualTo("203.0.113.7, 10.1.1.1, 10.0.0.2");
  }

  @Test
  void everyLineOfTheHeaderCountsInTheOrderReceived() {
    // The client's own line comes first; the trusted proxy appended a line of its own.
    var r = behindProxies.resolve("10.0.0.2", List.of("6.6.6.6", "203.0.113.7, 10.1.1.1"));
    assertThat(r.client()).isEqualTo("203.0.113.7");
    assertThat(r.forwardedFor()).isEqualTo("203.0.113.7, 10.1.1.1, 10.0.0.2");
    assertThat(behindProxies.resolve("10.0.0.2", List.of()).client()).isEqualTo("10.0.0.2");
  }

  @Test
  void aGarbageEntryStopsTheWalkAtTheHopAfterIt() {
    var r = behindProxies.resolve("10.0.0.2", "203.0.113.7, not-an-ip, 10.1.1.1");
    assertThat(r.client()).isEqualTo("10.1.1.1");
  }

  @Test
  void portsAndBracketsAreRemovedAndIpv6Works() {
    assertThat(behindProxies.resolve("fd00::1", "[2001:db8::5]:443").client()).isEqualTo("2001:db8::5");
    assertThat(behindProxies.resolve("10.0.0.2", "203.0.113.7:51000").client()).isEqualTo("203.0.113.7");
  }
}
