package io.keywarden.server.gateway;

import io.keywarden.core.net.CidrBlock;
import io.keywarden.core.net.IpAddress;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Works out the client's address: the socket peer, unless the peer is a configured trusted proxy,
 * in which case {@code X-Forwarded-For} is read from the right, skipping trusted proxies, and the
 * first address that is not one is the client. Every {@code X-Forwarded-For} line counts, joined
 * in the order received (RFC 9110 §5.3): a proxy that appends a line of its own, rather than
 * extending the client's, must not leave the client's line to be read as the truth.
 * The {@code Forwarded} header (RFC 7239) is not read, and never forwarded. An entry that is not an IP address stops the walk
 * (the hop after it is taken), so a client cannot smuggle in a list that the walk misreads.
 *
 * <p>What goes upstream in {@code X-Forwarded-For}: the chain as far as it is trusted, ending with
 * the peer; from an untrusted peer, only the peer (whatever that peer claimed is dropped).
 */
public final class ClientAddress {
  /** The outcome: the client's address and the {@code X-Forwarded-For} value to send upstream. */
  public record Resolved(String client, String forwardedFor) {}

  private final List<CidrBlock> trustedProxies;

  public ClientAddress(List<CidrBlock> trustedProxies) {
    this.trustedProxies = List.copyOf(trustedProxies);
  }

  /** No trusted proxies: the socket peer is always the client. */
  public static ClientAddress direct() {
    return new ClientAddress(List.of());
  }

  /**
   * The client of a request: its socket peer and every {@code X-Forwarded-For} line it carries.
   * The entry point for every listener (the gateway, the management API's failure budget).
   */
  public Resolved resolve(HttpServerRequest req) {
    String peer = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
    if (trustedProxies.isEmpty() || !isTrusted(IpAddress.parse(peer))) {
      return new Resolved(peer, peer); // what an untrusted peer claims is never read
    }
    return resolve(peer, req.headers().getAll(X_FORWARDED_FOR));
  }

  /**
   * @param peer the socket peer's address literal
   * @param forwardedForLines every incoming {@code X-Forwarded-For} line, in order (may be empty)
   */
  public Resolved resolve(String peer, List<String> forwardedForLines) {
    return resolve(peer, switch (forwardedForLines.size()) {
      case 0 -> null;
      case 1 -> forwardedForLines.get(0);
      default -> String.join(",", forwardedForLines);
    });
  }

  private static final String X_FORWARDED_FOR = "X-Forwarded-For";

  /**
   * @param peer the socket peer's address literal
   * @param forwardedFor the incoming {@code X-Forwarded-For} (every line joined with commas), or
   *     {@code null}
   */
  public Resolved resolve(String peer, String forwardedFor) {
    if (trustedProxies.isEmpty() || forwardedFor == null || forwardedFor.isBlank() || !isTrusted(IpAddress.parse(peer))) {
      return new Resolved(peer, peer);
    }
    String[] hops = forwardedFor.split(",");
    String client = peer;
    int firstKept = hops.length;
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = stripPort(hops[i].trim());
      IpAddress addr = IpAddress.parse(hop);
      if (addr == null) {
        break;
      }
      client = hop;
      firstKept = i;
      if (!isTrusted(addr)) {
        break;
      }
    }
    List<String> chain = new ArrayList<>();
    for (int i = firstKept; i < hops.length; i++) {
      chain.add(stripPort(hops[i].trim()));
    }
    chain.add(peer);
    return new Resolved(client, String.join(", ", chain));
  }

  private boolean isTrusted(IpAddress addr) {
    if (addr == null) {
      return false;
    }
    for (CidrBlock b : trustedProxies) {
      if (b.contains(addr)) {
        return true;
      }
    }
    return false;
  }

  /** {@code 1.2.3.4:5678} to {@code 1.2.3.4}; {@code [::1]:80} to {@code ::1}; others unchanged. */
  static String stripPort(String hop) {
    if (hop.startsWith("[")) {
      int end = hop.indexOf(']');
      return end > 0 ? hop.substring(1, end) : hop;
    }
    int colon = hop.indexOf(':');
    if (colon > 0 && hop.indexOf(':', colon + 1) < 0 && hop.indexOf('.') > 0) {
      return hop.substring(0, colon);
    }
    return hop;
  }
}
