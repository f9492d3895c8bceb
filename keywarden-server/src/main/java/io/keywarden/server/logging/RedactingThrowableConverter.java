package io.keywarden.server.logging;

import ch.qos.logback.classic.pattern.ExtendedThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.keywarden.core.keys.KeyFormat;

/** Logback's {@code %ex} (stack traces and their messages) with key-shaped substrings redacted. */
public final class RedactingThrowableConverter extends ExtendedThrowableProxyConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return KeyFormat.redact(super.convert(event));
  }
}
