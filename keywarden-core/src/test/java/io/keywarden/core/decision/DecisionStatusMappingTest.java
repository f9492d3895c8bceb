package io.keywarden.core.decision;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.errors.ErrorCode;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each decision status maps to one catalogue error and HTTP status, with a stable reason code. */
class DecisionStatusMappingTest {
  private static final Set<DecisionStatus> UNAUTHORIZED = EnumSet.of(
      DecisionStatus.MISSING, DecisionStatus.MALFORMED, DecisionStatus.BAD_CHECKSUM,
      DecisionStatus.NOT_FOUND, DecisionStatus.WRONG_REALM, DecisionStatus.REVOKED,
      DecisionStatus.EXPIRED, DecisionStatus.DISABLED);
  private static final Set<DecisionStatus> FORBIDDEN = EnumSet.of(
      DecisionStatus.IP_NOT_ALLOWED, DecisionStatus.ORIGIN_NOT_ALLOWED,
      DecisionStatus.PUBLISHABLE_NOT_ALLOWED, DecisionStatus.OWNER_NOT_MEMBER,
      DecisionStatus.PROJECT_NOT_ALLOWED, DecisionStatus.INSUFFICIENT_SCOPE);

  @ParameterizedTest
  @EnumSource(DecisionStatus.class)
  void everyStatusHasTheDocumentedHttpStatus(DecisionStatus status) {
    int expected;
    if (status == DecisionStatus.VALID) {
      expected = 200;
    } else if (UNAUTHORIZED.contains(status)) {
      expected = 401;
    } else if (FORBIDDEN.contains(status)) {
      expected = 403;
    } else if (status == DecisionStatus.WORKSPACE_SUSPENDED) {
      expected = 403;
    } else if (status == DecisionStatus.PROJECT_NOT_FOUND) {
      expected = 404;
    } else if (status == DecisionStatus.PROJECT_REQUIRED) {
      expected = 400;
    } else {
      throw new AssertionError("unclassified status " + status);
    }
    assertThat(status.httpStatus()).isEqualTo(expected);
    assertThat(status.isAuthenticationFailure()).isEqualTo(expected == 401);
  }

  @Test
  void theStatusesMapToTheirCatalogueErrors() {
    UNAUTHORIZED.forEach(s -> assertThat(s.error()).isEqualTo(ErrorCode.UNAUTHORIZED));
    FORBIDDEN.forEach(s -> assertThat(s.error()).isEqualTo(ErrorCode.FORBIDDEN));
    assertThat(DecisionStatus.WORKSPACE_SUSPENDED.error()).isEqualTo(ErrorCode.WORKSPACE_SUSPENDED);
    assertThat(DecisionStatus.WORKSPACE_SUSPENDED.reason()).isEqualTo(ErrorCode.WORKSPACE_SUSPENDED.code());
    assertThat(DecisionStatus.PROJECT_NOT_FOUND.error()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(DecisionStatus.PROJECT_REQUIRED.error()).isEqualTo(ErrorCode.PROJECT_REQUIRED);
    assertThat(DecisionStatus.VALID.error()).isNull();
  }

  @ParameterizedTest
  @EnumSource(DecisionStatus.class)
  void reasonCodesAreTheLowerCaseNames(DecisionStatus status) {
    assertThat(status.reason()).isEqualTo(status.name().toLowerCase(Locale.ROOT));
    assertThat(status.reason()).matches("[a-z_]+");
  }

  @Test
  void reasonCodesAreUnique() {
    Set<String> reasons = Arrays.stream(DecisionStatus.values())
        .map(DecisionStatus::reason).collect(Collectors.toSet());
    assertThat(reasons).hasSize(DecisionStatus.values().length);
  }

  @Test
  void theCrossTenantProjectMessageIsTheNotFoundOne() {
    assertThat(DecisionStatus.PROJECT_NOT_FOUND.message()).isEqualTo("Project not found.");
  }

  @ParameterizedTest
  @EnumSource(DecisionStatus.class)
  void everyStatusHasAPublicMessage(DecisionStatus status) {
    assertThat(status.message()).isNotBlank().endsWith(".");
  }
}
