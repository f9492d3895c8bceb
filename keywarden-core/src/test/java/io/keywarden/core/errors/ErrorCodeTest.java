package io.keywarden.core.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The error catalogue: stable codes, their HTTP status, and the exception that carries one. */
class ErrorCodeTest {

  @ParameterizedTest
  @EnumSource(ErrorCode.class)
  void codesAreTheLowerCaseNames(ErrorCode code) {
    assertThat(code.code()).isEqualTo(code.name().toLowerCase(Locale.ROOT));
    assertThat(code.defaultMessage()).isNotBlank();
    assertThat(code.httpStatus()).isBetween(400, 599);
  }

  @Test
  void codesAreUnique() {
    assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::code).collect(Collectors.toSet()))
        .hasSize(ErrorCode.values().length);
  }

  @Test
  void theDocumentedStatuses() {
    assertThat(ErrorCode.INVALID_REQUEST.httpStatus()).isEqualTo(400);
    assertThat(ErrorCode.PROJECT_REQUIRED.httpStatus()).isEqualTo(400);
    assertThat(ErrorCode.UNAUTHORIZED.httpStatus()).isEqualTo(401);
    assertThat(ErrorCode.FORBIDDEN.httpStatus()).isEqualTo(403);
    assertThat(ErrorCode.NOT_FOUND.httpStatus()).isEqualTo(404);
    assertThat(ErrorCode.UNSUPPORTED_MEDIA_TYPE.httpStatus()).isEqualTo(415);
    assertThat(ErrorCode.RATE_LIMITED.httpStatus()).isEqualTo(429);
    assertThat(ErrorCode.QUOTA_EXCEEDED.httpStatus()).isEqualTo(429);
    assertThat(ErrorCode.BAD_GATEWAY.httpStatus()).isEqualTo(502);
  }

  @Test
  void anInvalidRequestNamesItsField() {
    KeywardenException e = KeywardenException.invalid("ttl_days", "ttl_days must be one of 30.");

    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(e.field()).isEqualTo("ttl_days");
    assertThat(e.getMessage()).isEqualTo("ttl_days must be one of 30.");
  }

  @Test
  void shorthandsCarryTheirCodes() {
    assertThat(KeywardenException.notFound("Project").code()).isEqualTo(ErrorCode.NOT_FOUND);
    assertThat(KeywardenException.notFound("Project").getMessage()).isEqualTo("Project not found.");
    assertThat(KeywardenException.notFound("Project").field()).isNull();
    assertThat(KeywardenException.conflict("name", "taken").code()).isEqualTo(ErrorCode.CONFLICT);
    assertThat(KeywardenException.conflict("name", "taken").field()).isEqualTo("name");
    assertThat(new KeywardenException(ErrorCode.INTERNAL, "x").field()).isNull();
  }
}
