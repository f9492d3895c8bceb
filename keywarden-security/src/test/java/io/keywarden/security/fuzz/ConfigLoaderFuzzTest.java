package io.keywarden.security.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.keywarden.server.config.ConfigException;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.config.KeywardenConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The configuration loader: any file content is a configuration or a {@link ConfigException}
 * naming a setting, never another exception type (an operator gets a clean message, not a stack
 * trace, whatever they typed). The seed corpus holds the five reference systems' profiles.
 */
class ConfigLoaderFuzzTest {
  private static final Path FILE = tempFile();

  private static Path tempFile() {
    try {
      Path dir = Files.createTempDirectory("kw-config-fuzz");
      dir.toFile().deleteOnExit();
      Path f = dir.resolve("keywarden.yaml");
      f.toFile().deleteOnExit();
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "30s")
  @DictionaryEntries({
    "server:", "bind:", "api_port:", "gateway_port:", "max_body_bytes:", "shutdown_grace_seconds:",
    "event_loops:", "data_dir:", "database:", "url:", "secrets:", "admin_key_file:", "access:",
    "scopes:", "roles:", "plans:", "default_plan:", "ttl:", "choices_days:", "default_days:",
    "max_ttl_days:", "environments:", "prefixes:", "cache:", "gateway:", "routes:", "path:",
    "methods:", "upstreams:", "upstream:", "error_styles:", "error_style:", "project:",
    "path_parameter:", "header:", "selection:", "credentials:", "public:", "authentication:",
    "key_types:", "abilities:", "host:", "trusted_proxies:", "identity_header_prefix:",
    "rate_limits:", "policies:", "window:", "limit:", "backend:", "/v1/{id}", "/{rest*}",
    "query:api_key", "bearer", "1:", "- ", "{", "}", "[", "]", "&a", "*a", "!!binary", "\\x0A  "
  })
  void aConfigurationFileLoadsOrFailsWithAConfigError(byte[] yaml) throws IOException {
    Files.write(FILE, yaml);
    try {
      KeywardenConfig cfg = ConfigLoader.load(FILE, Map.of(), ConfigLoader.Flags.NONE);
      assertThat(cfg).isNotNull();
      assertThat(cfg.gateway()).isNotNull();
    } catch (ConfigException e) {
      assertThat(e.setting()).isNotNull();
      assertThat(e.getMessage()).isNotBlank();
    }
  }
}
