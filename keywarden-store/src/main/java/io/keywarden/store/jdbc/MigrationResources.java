package io.keywarden.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;

/**
 * Hands Flyway the migrations of one dialect from the index file {@code migrations.txt} in
 * their folder, so that Flyway never scans the class path. In the shaded jar a scan walks every
 * one of its ten thousand entries, which made start-up a second slower. A test checks that the
 * index lists every {@code .sql} file of the folder.
 */
final class MigrationResources implements ResourceProvider {
  /** Name of the index file in each migration folder. */
  static final String INDEX = "migrations.txt";

  private final List<LoadableResource> resources;

  MigrationResources(String folder) {
    List<LoadableResource> list = new ArrayList<>();
    for (String name : index(folder)) {
      list.add(new Migration(folder, name));
    }
    this.resources = List.copyOf(list);
  }

  /** The file names listed in {@code folder/migrations.txt}. */
  static List<String> index(String folder) {
    try (InputStream in = open(folder + "/" + INDEX)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public LoadableResource getResource(String name) {
    for (LoadableResource r : resources) {
      if (r.getRelativePath().equals(name) || r.getFilename().equals(name)) {
        return r;
      }
    }
    return null;
  }

  @Override
  public Collection<LoadableResource> getResources(String prefix, String[] suffixes) {
    return resources.stream()
        .filter(r -> r.getFilename().startsWith(prefix))
        .filter(r -> Arrays.stream(suffixes).anyMatch(s -> r.getFilename().endsWith(s)))
        .toList();
  }

  private static InputStream open(String path) throws IOException {
    InputStream in = MigrationResources.class.getClassLoader().getResourceAsStream(path);
    if (in == null) {
      throw new IOException("missing class path resource " + path);
    }
    return in;
  }

  private static final class Migration extends LoadableResource {
    private final String folder;
    private final String name;

    Migration(String folder, String name) {
      this.folder = folder;
      this.name = name;
    }

    @Override
    public Reader read() {
      try {
        return new InputStreamReader(open(folder + "/" + name), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public String getAbsolutePath() {
      return folder + "/" + name;
    }

    @Override
    public String getAbsolutePathOnDisk() {
      return folder + "/" + name;
    }

    @Override
    public String getFilename() {
      return name;
    }

    @Override
    public String getRelativePath() {
      return name;
    }
  }
}
