/**
 * Keywarden's security test machinery (test code only): fuzz targets ({@code fuzz}), the raw-socket
 * HTTP fuzzer against both listeners ({@code http}) and the reference authorization model with its
 * property test ({@code model}). See docs/security.md for what each proves and how to run it.
 */
package io.keywarden.security;
