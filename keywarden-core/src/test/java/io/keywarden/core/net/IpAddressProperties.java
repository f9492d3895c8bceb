package io.keywarden.core.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Round trips of random IPv4 and IPv6 addresses through their text forms. */
class IpAddressProperties {

  @Property
  void everyDottedQuadRoundTrips(@ForAll int bits) {
    long v = bits & 0xFFFF_FFFFL;
    String text = (v >>> 24) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);

    IpAddress a = IpAddress.parse(text);

    assertThat(a).isNotNull();
    assertThat(a.isV4()).isTrue();
    assertThat(a.low() & 0xFFFF_FFFFL).isEqualTo(v);
    assertThat(a.toString()).isEqualTo(text);
  }

  /** Eight groups, each zero half the time, so that compressible runs are common. */
  @Provide
  Arbitrary<List<Integer>> groups() {
    return Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 0xFFFF))
        .list().ofSize(8);
  }

  @Property
  void everyIpv6AddressRoundTripsInFullCompressedAndUpperCaseForms(@ForAll("groups") List<Integer> g) {
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 4; i++) {
      hi = (hi << 16) | g.get(i);
      lo = (lo << 16) | g.get(i + 4);
    }
    IpAddress expected = new IpAddress(hi, lo);

    assertThat(IpAddress.parse(full(g))).isEqualTo(expected);
    assertThat(IpAddress.parse(compressed(g))).isEqualTo(expected);
    assertThat(IpAddress.parse(compressed(g).toUpperCase(Locale.ROOT))).isEqualTo(expected);
    assertThat(IpAddress.parse("[" + compressed(g) + "]")).isEqualTo(expected);
    if (!expected.isV4()) {
      assertThat(IpAddress.parse(expected.toString())).isEqualTo(expected);
    }
  }

  static String full(List<Integer> g) {
    List<String> parts = new ArrayList<>();
    g.forEach(x -> parts.add(Integer.toHexString(x)));
    return String.join(":", parts);
  }

  /** RFC 5952 form: the longest run of two or more zero groups becomes "::". */
  static String compressed(List<Integer> g) {
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < 8; ) {
      if (g.get(i) != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && g.get(j) == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    if (bestLen < 2) {
      return full(g);
    }
    String head = full(g.subList(0, bestStart));
    String tail = full(g.subList(bestStart + bestLen, 8));
    return head + "::" + tail;
  }
}
