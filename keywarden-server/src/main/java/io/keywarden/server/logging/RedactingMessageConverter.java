package io.keywarden.server.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.keywarden.core.keys.KeyFormat;

/**
 * Logback's {@code %msg} with every key-shaped substring replaced by the key's display form.
 * Registered for {@code %msg} (and {@code %m}, {@code %message}) in Keywarden's logging
 * configuration, so no logger, ours or a library's at any level, can write a key.
 */
public final class RedactingMessageConverter extends MessageConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return KeyFormat.redact(super.convert(event));
  }
}
