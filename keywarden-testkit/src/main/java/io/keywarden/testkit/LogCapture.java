package io.keywarden.testkit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.LoggerFactory;

/**
 * Captures everything every logger writes, at TRACE, through the context's own pattern rules (so
 * the redacting converters of the test configuration apply), until {@link #close()}.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger root;
  private final Level previous;
  private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private LogCapture() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    previous = root.getLevel();
    PatternLayoutEncoder enc = new PatternLayoutEncoder();
    enc.setContext(ctx);
    enc.setPattern("%level %logger %msg %ex%n");
    enc.start();
    appender.setContext(ctx);
    appender.setEncoder(enc);
    appender.setOutputStream(out);
    appender.start();
    root.addAppender(appender);
    root.setLevel(Level.TRACE);
  }

  /** Starts capturing. */
  public static LogCapture start() {
    return new LogCapture();
  }

  /** Everything written so far. */
  public String text() {
    synchronized (out) {
      return out.toString(StandardCharsets.UTF_8);
    }
  }

  /** Stops capturing and puts the root level back. */
  @Override
  public void close() {
    root.detachAppender(appender);
    root.setLevel(previous);
    appender.stop();
  }
}
