/**
 * Logging safety: logback converters that redact anything shaped like a key from every message
 * and stack trace, whichever logger wrote it.
 */
package io.keywarden.server.logging;
