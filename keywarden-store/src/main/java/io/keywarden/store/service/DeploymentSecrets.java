package io.keywarden.store.service;

import io.keywarden.core.keys.SecretRing;
import io.keywarden.store.OwnerOnly;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The deployment secret file in the data directory, {@code secret.key}: the HMAC secrets that key
 * hashes are made with, one version per line.
 *
 * <pre>
 * # Keywarden deployment secret. Keep it safe; without it no key verifies.
 * v1:&lt;base64url of 32 random bytes&gt;
 * v2:&lt;…&gt;            (after a rotation; the highest version hashes new keys)
 * </pre>
 *
 * <p>The file is created on first start with mode 0600 (owner read/write only). A new version is
 * appended by {@link #rotate}; keys made under older versions keep verifying.
 */
public final class DeploymentSecrets {
  /** File name inside the data directory. */
  public static final String FILE_NAME = "secret.key";

  private static final int SECRET_BYTES = 32;
  private static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(
      PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private DeploymentSecrets() {}

  /** Loads the ring from {@code dataDir/secret.key}, creating the file with a new secret if absent. */
  public static SecretRing loadOrCreate(Path dataDir) throws IOException {
    OwnerOnly.directory(dataDir);
    Path file = dataDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      try {
        create(file);
      } catch (FileAlreadyExistsException raced) {
        // Another process created it first; read theirs.
      }
    }
    return parse(Files.readAllLines(file, StandardCharsets.US_ASCII), file.toString());
  }

  /** Appends a new secret version to the file and returns the new ring. */
  public static SecretRing rotate(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    SecretRing ring = loadOrCreate(dataDir);
    int next = ring.currentVersion() + 1;
    Files.writeString(file, "v" + next + ":" + newSecret() + "\n", StandardCharsets.US_ASCII,
        StandardOpenOption.APPEND);
    return parse(Files.readAllLines(file, StandardCharsets.US_ASCII), file.toString());
  }

  /**
   * Parses secrets given in configuration: {@code v1:<base64url>} entries, or a single base64url
   * value taken as version 1.
   */
  public static SecretRing parse(List<String> lines, String source) {
    Map<Integer, byte[]> secrets = new TreeMap<>();
    int lineNo = 0;
    for (String raw : lines) {
      lineNo++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      int version;
      String value;
      if (colon < 0) {
        version = 1;
        value = line;
      } else {
        String v = line.substring(0, colon);
        if (!v.matches("v[0-9]{1,6}")) {
          throw new IllegalArgumentException(source + " line " + lineNo + ": expected v<N>:<secret>");
        }
        version = Integer.parseInt(v.substring(1));
        value = line.substring(colon + 1);
      }
      byte[] secret;
      try {
        secret = Base64.getUrlDecoder().decode(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source + " line " + lineNo + ": secret is not base64url");
      }
      if (secret.length < SecretRing.MIN_SECRET_BYTES) {
        throw new IllegalArgumentException(source + " line " + lineNo + ": secret must be at least "
            + SecretRing.MIN_SECRET_BYTES + " bytes");
      }
      if (secrets.put(version, secret) != null) {
        throw new IllegalArgumentException(source + " line " + lineNo + ": version v" + version + " given twice");
      }
    }
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException(source + ": no secret found");
    }
    return SecretRing.of(secrets);
  }

  private static void create(Path file) throws IOException {
    String content = "# Keywarden deployment secret. Keep it safe and backed up: without it no key verifies.\n"
        + "v1:" + newSecret() + "\n";
    boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    Files.deleteIfExists(tmp);
    if (posix) {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } else {
      Files.createFile(tmp);
    }
    Files.writeString(tmp, content, StandardCharsets.US_ASCII, StandardOpenOption.WRITE,
        StandardOpenOption.SYNC);
    try {
      Files.createLink(file, tmp); // fails if a concurrent start already made the file
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String newSecret() {
    byte[] b = new byte[SECRET_BYTES];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
