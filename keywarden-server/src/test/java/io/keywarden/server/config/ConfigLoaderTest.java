package io.keywarden.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.keys.KeyType;
import io.keywarden.core.policy.AccessModel;
import io.keywarden.store.cache.CacheSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ConfigLoader}: defaults, then the YAML file, the environment and the flags, each
 * overriding the one before; every bad setting stops loading with a {@link ConfigException} that
 * names it.
 */
class ConfigLoaderTest {
  private static final String SECRET = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);

  @TempDir Path dir;

  private Path yaml(String text) throws IOException {
    Path f = dir.resolve("keywarden-" + System.nanoTime() + ".yaml");
    Files.writeString(f, text);
    return f;
  }

  private KeywardenConfig load(String yaml) throws IOException {
    return ConfigLoader.load(yaml(yaml), Map.of(), ConfigLoader.Flags.NONE);
  }

  /** Asserts that loading {@code yaml} fails naming {@code setting}. */
  private AbstractThrowableAssert<?, ? extends Throwable> failsNaming(String yaml, String setting) throws IOException {
    Path f = yaml(yaml);
    return assertThatThrownBy(() -> ConfigLoader.load(f, Map.of(), ConfigLoader.Flags.NONE))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).setting()).isEqualTo(setting))
        .hasMessageStartingWith(setting + ": ");
  }

  // ---- listener timeouts and TLS ----

  @Test
  void listenerTimeoutsComeFromTheFileAndTheEnvironmentWithSafeDefaults() throws IOException {
    assertThat(load("").server().timeouts()).isEqualTo(ServerSettings.Timeouts.DEFAULTS);
    var t = load("server: {header_timeout_ms: 300, idle_timeout_ms: 0, body_timeout_ms: 1500}").server().timeouts();
    assertThat(t).isEqualTo(new ServerSettings.Timeouts(Duration.ofMillis(300), Duration.ZERO, Duration.ofMillis(1500)));
    var env = ConfigLoader.load(yaml("server: {header_timeout_ms: 300}"), Map.of("KEYWARDEN_HEADER_TIMEOUT_MS", "2000"),
        ConfigLoader.Flags.NONE).server().timeouts();
    assertThat(env.header()).isEqualTo(Duration.ofMillis(2000));
  }

  @Test
  void aBadTimeoutNamesItsSetting() throws IOException {
    failsNaming("server: {header_timeout_ms: 5}", "server.header_timeout_ms");
    failsNaming("server: {idle_timeout_ms: -1}", "server.idle_timeout_ms");
    failsNaming("server: {body_timeout_ms: soon}", "server.body_timeout_ms");
    Path f = yaml("");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of("KEYWARDEN_IDLE_TIMEOUT_MS", "x"), ConfigLoader.Flags.NONE))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("KEYWARDEN_IDLE_TIMEOUT_MS: ");
  }

  @Test
  void tlsNeedsBothFilesAndNamesTheMissingOne() throws IOException {
    assertThat(load("").server().tls()).isNull();
    var tls = load("server: {tls: {cert_file: c.pem, key_file: k.pem, listeners: [gateway]}}").server().tls();
    assertThat(tls).isEqualTo(new ServerSettings.Tls(Path.of("c.pem"), Path.of("k.pem"), false, true));
    failsNaming("server: {tls: {cert_file: c.pem}}", "server.tls.key_file");
    failsNaming("server: {tls: {key_file: k.pem}}", "server.tls.cert_file");
    failsNaming("server: {tls: {cert_file: c.pem, key_file: k.pem, listeners: [admin]}}", "server.tls.listeners[0]");
    failsNaming("server: {tls: {cert_file: c.pem, key_file: k.pem, ciphers: x}}", "server.tls.ciphers");
  }

  // ---- defaults and precedence ----

  @Test
  void noFileNoEnvironmentNoFlagsGivesTheDocumentedDefaults() {
    KeywardenConfig c = ConfigLoader.load(null, Map.of(), ConfigLoader.Flags.NONE);
    assertThat(c.server()).isEqualTo(ServerSettings.defaults());
    assertThat(c.server().bind()).isEqualTo("127.0.0.1");
    assertThat(c.server().apiPort()).isEqualTo(8081);
    assertThat(c.server().gatewayPort()).isEqualTo(8080);
    assertThat(c.server().maxBodyBytes()).isEqualTo(1024 * 1024);
    assertThat(c.dataDir()).isEqualTo(Path.of("data"));
    assertThat(c.databaseUrl()).isNull();
    assertThat(c.secrets()).isNull();
    assertThat(c.adminKeyFile()).isNull();
    assertThat(c.cache()).isEqualTo(CacheSettings.DEFAULTS);
    AccessModel m = c.model();
    assertThat(m.scopes().names()).containsExactly("read", "write", "admin");
    assertThat(m.environments()).containsExactly("live", "test");
    assertThat(m.defaultEnvironment()).isEqualTo("live");
    assertThat(m.prefix(KeyType.SECRET, "live")).isEqualTo("kw_sk_live");
    assertThat(m.prefix(KeyType.PUBLISHABLE, "test")).isEqualTo("kw_pk_test");
    assertThat(m.ttl().choicesDays()).containsExactly(30, 60, 90);
    assertThat(m.ttl().defaultDays()).isEqualTo(90);
    assertThat(m.ttl().allowNone()).isTrue();
    assertThat(m.roles()).containsOnlyKeys("owner", "admin", "member", "viewer");
    assertThat(m.plans()).containsExactly("default");
  }

  @Test
  void anEmptyFileIsTheDefaults() throws IOException {
    assertThat(load("").server()).isEqualTo(ServerSettings.defaults());
    assertThat(load("# nothing but a comment\n").server()).isEqualTo(ServerSettings.defaults());
  }

  @Test
  void fileOverridesDefaults() throws IOException {
    KeywardenConfig c = load("""
        server:
          bind: 0.0.0.0
          api_port: 9001
          gateway_port: 9000
          max_body_bytes: 2048
          shutdown_grace_seconds: 3
          event_loops: 2
        data_dir: /var/lib/keywarden
        database:
          url: jdbc:postgresql://db/keywarden
          user: kw
          password: pw
        secrets: ["v1:%s"]
        admin_key_file: /run/admin.key
        cache:
          max_keys: 10
          key_ttl_seconds: 5
        access:
          scopes:
            - name: read
            - name: write
              implies: [read]
            - name: deploy
              description: Deploy things.
          environments: [production, development]
          default_environment: development
          prefixes:
            secret:
              production: acme_sk
          operator_prefix: acme_op
          ttl:
            choices_days: [7, 30]
            allow_none: false
            default_days: 7
          roles:
            owner: ["*"]
            dev: [write, deploy]
          plans: [free, pro]
          default_plan: pro
          max_metadata_bytes: 100
        """.formatted(SECRET));
    assertThat(c.server()).isEqualTo(new ServerSettings("0.0.0.0", 9001, 9000, 2048, Duration.ofSeconds(3), 2));
    assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/keywarden"));
    assertThat(c.databaseUrl()).isEqualTo("jdbc:postgresql://db/keywarden");
    assertThat(c.databaseUser()).isEqualTo("kw");
    assertThat(c.databasePassword()).isEqualTo("pw");
    assertThat(c.secrets().currentVersion()).isEqualTo(1);
    assertThat(c.adminKeyFile()).isEqualTo(Path.of("/run/admin.key"));
    assertThat(c.cache().maximumKeys()).isEqualTo(10);
    assertThat(c.cache().keyTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.cache().negativeTtl()).isEqualTo(CacheSettings.DEFAULTS.negativeTtl());
    AccessModel m = c.model();
    assertThat(m.scopes().names()).containsExactly("read", "write", "deploy");
    assertThat(m.environments()).containsExactly("production", "development");
    assertThat(m.defaultEnvironment()).isEqualTo("development");
    assertThat(m.prefix(KeyType.SECRET, "production")).isEqualTo("acme_sk");
    assertThat(m.prefix(KeyType.PUBLISHABLE, "production")).isEqualTo("kw_pk_production");
    assertThat(m.operatorPrefix()).isEqualTo("acme_op");
    assertThat(m.ttl().choicesDays()).containsExactly(7, 30);
    assertThat(m.ttl().defaultDays()).isEqualTo(7);
    assertThat(m.ttl().allowNone()).isFalse();
    assertThat(m.roles()).containsOnlyKeys("owner", "dev");
    assertThat(m.plans()).containsExactly("free", "pro");
    assertThat(m.defaultPlan()).isEqualTo("pro");
    assertThat(m.maxMetadataBytes()).isEqualTo(100);
  }

  @Test
  void environmentOverridesTheFile() throws IOException {
    Path f = yaml("""
        server: {bind: 10.0.0.1, api_port: 9001, gateway_port: 9000}
        data_dir: from-file
        database: {url: "jdbc:postgresql://file/kw", user: file, password: file}
        admin_key_file: file.key
        """);
    Map<String, String> env = Map.of(
        "KEYWARDEN_BIND", "10.0.0.2",
        "KEYWARDEN_API_PORT", "7001",
        "KEYWARDEN_GATEWAY_PORT", "7000",
        "KEYWARDEN_DATA_DIR", "from-env",
        "KEYWARDEN_DATABASE_URL", "jdbc:postgresql://env/kw",
        "KEYWARDEN_DATABASE_USER", "env",
        "KEYWARDEN_DATABASE_PASSWORD", "env-pw",
        "KEYWARDEN_SECRETS", "v1:" + SECRET + ", v2:" + SECRET,
        "KEYWARDEN_ADMIN_KEY_FILE", "env.key");
    KeywardenConfig c = ConfigLoader.load(f, env, ConfigLoader.Flags.NONE);
    assertThat(c.server().bind()).isEqualTo("10.0.0.2");
    assertThat(c.server().apiPort()).isEqualTo(7001);
    assertThat(c.server().gatewayPort()).isEqualTo(7000);
    assertThat(c.dataDir()).isEqualTo(Path.of("from-env"));
    assertThat(c.databaseUrl()).isEqualTo("jdbc:postgresql://env/kw");
    assertThat(c.databaseUser()).isEqualTo("env");
    assertThat(c.databasePassword()).isEqualTo("env-pw");
    assertThat(c.secrets().currentVersion()).isEqualTo(2);
    assertThat(c.adminKeyFile()).isEqualTo(Path.of("env.key"));
  }

  @Test
  void flagsOverrideTheEnvironment() throws IOException {
    Path f = yaml("server: {bind: 10.0.0.1, api_port: 9001, gateway_port: 9000}\ndata_dir: from-file\n");
    Map<String, String> env = Map.of("KEYWARDEN_BIND", "10.0.0.2", "KEYWARDEN_API_PORT", "7001",
        "KEYWARDEN_GATEWAY_PORT", "7000", "KEYWARDEN_DATA_DIR", "from-env", "KEYWARDEN_ADMIN_KEY_FILE", "env.key");
    var flags = new ConfigLoader.Flags("::1", 6001, 6000, Path.of("from-flag"), Path.of("flag.key"));
    KeywardenConfig c = ConfigLoader.load(f, env, flags);
    assertThat(c.server().bind()).isEqualTo("::1");
    assertThat(c.server().apiPort()).isEqualTo(6001);
    assertThat(c.server().gatewayPort()).isEqualTo(6000);
    assertThat(c.dataDir()).isEqualTo(Path.of("from-flag"));
    assertThat(c.adminKeyFile()).isEqualTo(Path.of("flag.key"));
  }

  @Test
  void aFlagOverridesOnlyWhatItNames() throws IOException {
    Path f = yaml("server: {api_port: 9001}\n");
    var flags = new ConfigLoader.Flags(null, null, 6000, null, null);
    KeywardenConfig c = ConfigLoader.load(f, Map.of("KEYWARDEN_BIND", "0.0.0.0"), flags);
    assertThat(c.server().apiPort()).isEqualTo(9001);
    assertThat(c.server().gatewayPort()).isEqualTo(6000);
    assertThat(c.server().bind()).isEqualTo("0.0.0.0");
  }

  @Test
  void portZeroMayBeGivenForBothPorts() {
    KeywardenConfig c = ConfigLoader.load(null, Map.of(), new ConfigLoader.Flags(null, 0, 0, null, null));
    assertThat(c.server().apiPort()).isZero();
    assertThat(c.server().gatewayPort()).isZero();
  }

  @Test
  void numbersGivenAsStringsAreAccepted() throws IOException {
    assertThat(load("server: {api_port: \"9001\", max_body_bytes: \"4096\"}").server())
        .extracting(ServerSettings::apiPort, ServerSettings::maxBodyBytes)
        .containsExactly(9001, 4096L);
  }

  @Test
  void ttlWithoutADefaultKeepsNinetyDaysWhenItIsAChoice() throws IOException {
    assertThat(load("access: {ttl: {choices_days: [90, 180]}}").model().ttl().defaultDays()).isEqualTo(90);
  }

  @Test
  void ttlWithoutADefaultTakesTheLongestChoiceRatherThanNoExpiry() throws IOException {
    var ttl = load("access: {ttl: {choices_days: [7, 14]}}").model().ttl();
    assertThat(ttl.allowNone()).isTrue();
    assertThat(ttl.defaultDays()).isEqualTo(14);
  }

  @Test
  void ttlDefaultMayBeNoneWhenNoneIsAllowed() throws IOException {
    assertThat(load("access: {ttl: {default_days: none}}").model().ttl().defaultDays()).isNull();
  }

  @Test
  void defaultEnvironmentAndPlanFollowTheListsWhenNotGiven() throws IOException {
    AccessModel m = load("access: {environments: [prod, dev], plans: [free, team]}").model();
    assertThat(m.defaultEnvironment()).isEqualTo("prod");
    assertThat(m.defaultPlan()).isEqualTo("free");
  }

  // ---- bad settings: each names itself ----

  @Test
  void unknownRootSettingIsNamed() throws IOException {
    failsNaming("colour: red\n", "colour").hasMessageContaining("unknown setting");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "server: {port: 1}                       | server.port",
      "database: {host: x}                     | database.host",
      "cache: {size: 1}                        | cache.size",
      "access: {scope: []}                     | access.scope",
      "access: {ttl: {max_days: 1}}            | access.ttl.max_days",
      "access: {prefixes: {secrets: {}}}       | access.prefixes.secrets",
      "access: {scopes: [{name: x, extra: 1}]} | access.scopes[0].extra",
  })
  void unknownNestedSettingIsNamedWithItsPath(String yaml, String setting) throws IOException {
    failsNaming(yaml, setting).hasMessageContaining("unknown setting");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "server: 8081                            | server",
      "server: {api_port: eighty}              | server.api_port",
      "server: {api_port: 80.5}                | server.api_port",
      "server: {api_port: true}                | server.api_port",
      "server: {bind: [a, b]}                  | server.bind",
      "server: {max_body_bytes: lots}          | server.max_body_bytes",
      "server: {max_body_bytes: 99999999999999999999999} | server.max_body_bytes",
      "data_dir: {path: x}                     | data_dir",
      "secrets: v1:abc                         | secrets",
      "cache: {key_ttl_seconds: []}            | cache.key_ttl_seconds",
      "access: {environments: live}            | access.environments",
      "access: {ttl: {allow_none: maybe}}      | access.ttl.allow_none",
      "access: {ttl: {choices_days: [30, x]}}  | access.ttl.choices_days[1]",
      "access: {roles: [owner]}                | access.roles",
  })
  void wrongTypeIsNamed(String yaml, String setting) throws IOException {
    failsNaming(yaml, setting);
  }

  @Test
  void rootThatIsNotAMappingIsReported() throws IOException {
    failsNaming("- a\n- b\n", "(root)").hasMessageContaining("mapping");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "server: {api_port: 65536}               | server.api_port",
      "server: {api_port: -1}                  | server.api_port",
      "server: {gateway_port: 70000}           | server.gateway_port",
      "server: {max_body_bytes: 10}            | server.max_body_bytes",
      "server: {shutdown_grace_seconds: 4000}  | server.shutdown_grace_seconds",
      "server: {event_loops: 1000}             | server.event_loops",
      "cache: {max_keys: 0}                    | cache.max_keys",
      "access: {max_metadata_bytes: 1}         | access.max_metadata_bytes",
      "gateway: {upstreams: {default: {url: 'http://127.0.0.1:9'}}, routes: [{path: /a, response_timeout_ms: 0}]} | gateway.routes[0].response_timeout_ms",
  })
  void outOfRangeNumberIsNamed(String yaml, String setting) throws IOException {
    failsNaming(yaml, setting).hasMessageContaining("between");
  }

  @Test
  void anUnknownUpstreamIsNamedWithTheKnownOnesSorted() throws IOException {
    failsNaming("gateway: {upstreams: {zeta: {url: 'http://127.0.0.1:9'}, alpha: {url: 'http://127.0.0.1:9'}},"
        + " routes: [{path: /a, upstream: mian}]}", "gateway.routes[0].upstream")
        .hasMessageContaining("\"mian\"").hasMessageContaining("known: alpha, zeta");
  }

  @Test
  void showingSuspensionReasonsIsOffUnlessTheServerSectionSaysSo() throws IOException {
    assertThat(load("server: {api_port: 8081}").server().showSuspensionReason()).isFalse();
    assertThat(load("server: {show_suspension_reason: true}").server().showSuspensionReason()).isTrue();
  }

  @Test
  void portOutOfRangeFromTheEnvironmentNamesTheVariable() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("KEYWARDEN_API_PORT", "99999"), ConfigLoader.Flags.NONE))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("KEYWARDEN_API_PORT"));
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("KEYWARDEN_GATEWAY_PORT", "http"), ConfigLoader.Flags.NONE))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("KEYWARDEN_GATEWAY_PORT"));
  }

  @Test
  void portOutOfRangeFromAFlagNamesTheFlag() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), new ConfigLoader.Flags(null, 99999, null, null, null)))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("--api-port"))
        .hasMessageContaining("99999");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), new ConfigLoader.Flags(null, null, -2, null, null)))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("--gateway-port"));
  }

  @Test
  void equalApiAndGatewayPortsAreRefused() throws IOException {
    failsNaming("server: {api_port: 9000, gateway_port: 9000}", "server.gateway_port")
        .hasMessageContaining("server.api_port");
  }

  @Test
  void equalPortsNameTheSettingGivenLast() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), new ConfigLoader.Flags(null, 8080, null, null, null)))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("--api-port"))
        .hasMessageContaining("server.gateway_port");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("KEYWARDEN_GATEWAY_PORT", "8081"), ConfigLoader.Flags.NONE))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("KEYWARDEN_GATEWAY_PORT"));
  }

  @Test
  void emptyBindIsRefusedNamingItsSource() throws IOException {
    failsNaming("server: {bind: \"\"}", "server.bind");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("KEYWARDEN_BIND", " "), ConfigLoader.Flags.NONE))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("KEYWARDEN_BIND"));
  }

  @Test
  void emptyDataDirIsRefused() throws IOException {
    failsNaming("data_dir: \"\"", "data_dir");
  }

  @Test
  void badDatabaseUrlIsNamed() throws IOException {
    failsNaming("database: {url: \"mysql://localhost/kw\"}", "database.url").hasMessageContaining("jdbc:postgresql:");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("KEYWARDEN_DATABASE_URL", "postgres://x"), ConfigLoader.Flags.NONE))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("KEYWARDEN_DATABASE_URL"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "secrets: [\"v1:not base64!\"]          | base64url",
      "secrets: [\"v1:c2hvcnQ\"]              | at least",
      "secrets: [\"version1:abc\"]            | v<N>",
      "secrets: []                            | no secret",
  })
  void badSecretsAreNamed(String yaml, String says) throws IOException {
    failsNaming(yaml, "secrets").hasMessageContaining(says);
  }

  @Test
  void theSameSecretVersionTwiceIsRefused() throws IOException {
    failsNaming("secrets: [\"v1:%s\", \"v1:%s\"]".formatted(SECRET, SECRET), "secrets").hasMessageContaining("twice");
  }

  @Test
  void badSecretsFromTheEnvironmentNameTheVariable() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("KEYWARDEN_SECRETS", "v1:short"), ConfigLoader.Flags.NONE))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("KEYWARDEN_SECRETS"))
        .hasMessageNotContaining("short");
  }

  @Test
  void aRoleGrantingAnUnknownScopeIsNamed() throws IOException {
    failsNaming("access: {roles: {owner: ['*'], dev: [read, deploy]}}", "access.roles.dev")
        .hasMessageContaining("deploy");
    failsNaming("access: {roles: {dev: ['env:*']}}", "access.roles.dev").hasMessageContaining("env:*");
  }

  @Test
  void customScopesWithoutCustomRolesExplainThatTheDefaultRolesDoNotFit() throws IOException {
    failsNaming("access: {scopes: [{name: deploy}]}", "access.roles").hasMessageContaining("member");
  }

  @Test
  void noRolesAtAllIsRefused() throws IOException {
    failsNaming("access: {roles: {}}", "access.roles");
  }

  @Test
  void badRoleNameIsReported() throws IOException {
    failsNaming("access: {roles: {Owner: ['*']}}", "access.roles").hasMessageContaining("Owner");
  }

  @Test
  void scopeImplyingAnUnknownScopeIsNamed() throws IOException {
    failsNaming("access: {scopes: [{name: write, implies: [reed]}]}", "access.scopes").hasMessageContaining("reed");
  }

  @Test
  void scopeWithoutANameIsNamed() throws IOException {
    failsNaming("access: {scopes: [{name: read}, {description: x}]}", "access.scopes[1].name");
  }

  @Test
  void ttlDefaultNotAmongTheChoicesIsNamed() throws IOException {
    failsNaming("access: {ttl: {choices_days: [30, 60], default_days: 45}}", "access.ttl.default_days")
        .hasMessageContaining("45").hasMessageContaining("[30, 60]");
  }

  @Test
  void ttlDefaultNoneWhenNoneIsNotAllowedIsNamed() throws IOException {
    failsNaming("access: {ttl: {allow_none: false, default_days: none}}", "access.ttl.default_days");
  }

  @Test
  void ttlWithNoChoiceAndNoNoneIsNamed() throws IOException {
    failsNaming("access: {ttl: {choices_days: [], allow_none: false}}", "access.ttl.choices_days");
  }

  @Test
  void ttlChoiceOutOfRangeIsNamed() throws IOException {
    failsNaming("access: {ttl: {choices_days: [0]}}", "access.ttl.choices_days[0]");
  }

  @Test
  void defaultEnvironmentNotAmongTheEnvironmentsIsNamed() throws IOException {
    failsNaming("access: {environments: [live, test], default_environment: staging}", "access.default_environment")
        .hasMessageContaining("staging");
  }

  @Test
  void badEnvironmentNameIsNamed() throws IOException {
    failsNaming("access: {environments: [Live]}", "access.environments").hasMessageContaining("Live");
    failsNaming("access: {environments: []}", "access.environments");
  }

  @Test
  void defaultPlanNotAmongThePlansIsNamed() throws IOException {
    failsNaming("access: {plans: [free, pro], default_plan: enterprise}", "access.default_plan")
        .hasMessageContaining("enterprise");
  }

  @Test
  void badPlanNameIsNamed() throws IOException {
    failsNaming("access: {plans: [Free]}", "access.plans");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "access: {prefixes: {secret: {live: KW-LIVE}}}            | access.prefixes.secret.live",
      "access: {prefixes: {publishable: {test: kw__pk}}}        | access.prefixes.publishable.test",
      "access: {prefixes: {secret: {live: 1kw}}}                | access.prefixes.secret.live",
      "access: {prefixes: {secret: {live: kw_}}}                | access.prefixes.secret.live",
      "access: {prefixes: {secret: {staging: kw_sk_staging}}}   | access.prefixes.secret.staging",
      "access: {operator_prefix: Admin}                         | access.operator_prefix",
  })
  void badPrefixIsNamed(String yaml, String setting) throws IOException {
    failsNaming(yaml, setting);
  }

  @Test
  void aPrefixUsedTwiceIsNamed() throws IOException {
    failsNaming("access: {prefixes: {secret: {live: acme}, publishable: {live: acme}}}",
        "access.prefixes.publishable.live").hasMessageContaining("access.prefixes.secret.live");
  }

  @Test
  void operatorPrefixEqualToAnAccessPrefixIsNamed() throws IOException {
    failsNaming("access: {prefixes: {secret: {live: acme_live}}, operator_prefix: acme_live}", "access.operator_prefix");
  }

  @Test
  void operatorPrefixEqualToADefaultAccessPrefixIsRefused() throws IOException {
    Path f = yaml("access: {operator_prefix: kw_sk_live}");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of(), ConfigLoader.Flags.NONE))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kw_sk_live");
  }

  @Test
  void aKeyGivenTwiceInTheFileIsRefused() throws IOException {
    Path f = yaml("server:\n  api_port: 9001\n  api_port: 9002\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of(), ConfigLoader.Flags.NONE))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("--config"))
        .hasMessageContaining("api_port");
  }

  @Test
  void invalidYamlIsReportedWithItsLine() throws IOException {
    Path f = yaml("server:\n  api_port: [9001\n");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of(), ConfigLoader.Flags.NONE))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("--config"))
        .hasMessageContaining("not valid YAML")
        .hasMessageContaining("line");
  }

  @Test
  void missingFileIsReported() {
    Path f = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of(), ConfigLoader.Flags.NONE))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("--config"))
        .hasMessageContaining("does not exist");
  }

  @Test
  void theEffectiveConfigurationNeverPrintsSecrets() throws IOException {
    KeywardenConfig c = load("database: {url: \"jdbc:postgresql://db/kw\", password: hunter2}\nsecrets: [\"v1:%s\"]\n"
        .formatted(SECRET));
    assertThat(c.toString()).doesNotContain("hunter2").doesNotContain(SECRET);
  }

  @Test
  void roleGrantsAreListedInOrder() throws IOException {
    assertThat(load("access: {roles: {a: [read], b: [write], c: ['*']}}").model().roles().keySet())
        .containsExactly("a", "b", "c");
    assertThat(List.copyOf(load("access: {roles: {a: [read]}}").model().role("a").grants())).containsExactly("read");
  }
}
