package io.keywarden.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The stored key record: its invariants, lifecycle state and wire names. */
class ApiKeyTest {
  private static final Instant CREATED = Instant.parse("2025-01-01T00:00:00Z");
  private static final Instant EXPIRES = CREATED.plus(Duration.ofDays(90));
  private static final KeyHash HASH = new KeyHash(1, 2, 3, 4);

  static ApiKey key(KeyKind kind, String workspace, String user, String project,
      Instant expiresAt, Instant revokedAt, boolean enabled) {
    return new ApiKey("key_1", "k", kind, KeyType.SECRET, "live", workspace, user, project,
        List.of(), List.of(), List.of(), List.of(), null, "kw_sk_live", "kw_sk_live_abcd\u2026wxyz",
        HASH, 1, expiresAt, CREATED, "usr_1", null, revokedAt, enabled, null, null);
  }

  static ApiKey active() {
    return key(KeyKind.USER, "ws_1", "usr_1", null, EXPIRES, null, true);
  }

  @Test
  void anActiveKeyIsActiveUntilItsExpiry() {
    assertThat(active().stateAt(CREATED)).isEqualTo(KeyState.ACTIVE);
    assertThat(active().stateAt(EXPIRES.minusNanos(1))).isEqualTo(KeyState.ACTIVE);
    assertThat(active().stateAt(EXPIRES)).isEqualTo(KeyState.EXPIRED);
  }

  @Test
  void revocationOutranksExpiryAndExpiryOutranksDisabling() {
    ApiKey revokedExpiredDisabled = key(KeyKind.USER, "ws_1", "usr_1", null, EXPIRES, CREATED, false);
    ApiKey expiredDisabled = key(KeyKind.USER, "ws_1", "usr_1", null, EXPIRES, null, false);

    assertThat(revokedExpiredDisabled.stateAt(EXPIRES)).isEqualTo(KeyState.REVOKED);
    assertThat(expiredDisabled.stateAt(EXPIRES)).isEqualTo(KeyState.EXPIRED);
    assertThat(expiredDisabled.stateAt(CREATED)).isEqualTo(KeyState.DISABLED);
  }

  @Test
  void withRevokedAtChangesOnlyTheRevocation() {
    ApiKey revoked = active().withRevokedAt(CREATED.plusSeconds(5));

    assertThat(revoked.revokedAt()).isEqualTo(CREATED.plusSeconds(5));
    assertThat(revoked.stateAt(CREATED)).isEqualTo(KeyState.REVOKED);
    assertThat(revoked.withRevokedAt(null)).isEqualTo(active());
  }

  @Test
  void aKeyWithoutExpiryNeverExpires() {
    assertThat(key(KeyKind.USER, "ws_1", "usr_1", null, null, null, true).stateAt(Instant.MAX))
        .isEqualTo(KeyState.ACTIVE);
  }

  @Test
  void kindsNeedTheirOwners() {
    assertThatThrownBy(() -> key(KeyKind.USER, "ws_1", null, null, null, null, true))
        .hasMessageContaining("owner user");
    assertThatThrownBy(() -> key(KeyKind.PROJECT, "ws_1", null, null, null, null, true))
        .hasMessageContaining("project");
    assertThatThrownBy(() -> key(KeyKind.PROJECT, null, null, "proj_1", null, null, true))
        .hasMessageContaining("workspace");
    assertThat(key(KeyKind.OPERATOR, null, null, null, null, null, true).workspaceId()).isNull();
  }

  @Test
  void absentMetadataIsAnEmptyObject() {
    assertThat(active().metadata()).isEqualTo("{}");
  }

  @Test
  void theStringShowsIdAndDisplayOnly() {
    assertThat(active().toString()).isEqualTo("ApiKey[key_1 kw_sk_live_abcd\u2026wxyz user/secret]");
  }

  @ParameterizedTest
  @EnumSource(KeyKind.class)
  void kindWireNamesRoundTrip(KeyKind kind) {
    assertThat(KeyKind.fromWire(kind.wireName())).isEqualTo(kind);
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void typeWireNamesRoundTrip(KeyType type) {
    assertThat(KeyType.fromWire(type.wireName())).isEqualTo(type);
  }

  @ParameterizedTest
  @EnumSource(KeyState.class)
  void stateWireNamesRoundTrip(KeyState state) {
    assertThat(KeyState.fromWire(state.wireName())).isEqualTo(state);
  }

  @Test
  void unknownWireNamesAreNull() {
    assertThat(KeyKind.fromWire("USER")).isNull();
    assertThat(KeyType.fromWire("sk")).isNull();
    assertThat(KeyState.fromWire(null)).isNull();
    assertThat(KeyType.SECRET.shortName()).isEqualTo("sk");
    assertThat(KeyType.PUBLISHABLE.shortName()).isEqualTo("pk");
  }
}
