package dev.postbox.demo.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The choice of server ({@code demo.server}) and the WAR copy WildFly and Open Liberty get ({@link ServerWar}). */
class ServerWarTest {

    private static final String WEB_XML = """
            <web-app>
              <!-- Payara resolves ${MPCONFIG=key} -->
              <data-source>
                <server-name>${MPCONFIG=postbox.demo.db.host}</server-name>
                <password>${MPCONFIG=postbox.demo.db.password}</password>
              </data-source>
            </web-app>
            """;
    private static final String PERSISTENCE_XML = """
            <persistence><persistence-unit name="payments"><properties>
                  <property name="hibernate.transaction.jta.platform"
                            value="org.hibernate.engine.transaction.jta.platform.internal.SunOneJtaPlatform"/>
                  <property name="hibernate.enhancer.enableDirtyTracking" value="false"/>
                </properties></persistence-unit></persistence>
            """;
    private static final Map<String, String> CONFIG = Map.of("postbox.demo.db.host", "localhost",
            "postbox.demo.db.password", "p<&>\"'", "postbox.relay.jdbc-url", "jdbc:postgresql://localhost:5/x");

    @TempDir
    Path dir;

    @Test
    void theServerIsOneOfThreeAndAnotherValueIsAnErrorListingThem() {
        assertThat(DemoServer.of("payara")).isEqualTo(DemoServer.PAYARA);
        assertThat(DemoServer.of(" WildFly ")).isEqualTo(DemoServer.WILDFLY);
        assertThat(DemoServer.of("liberty")).isEqualTo(DemoServer.LIBERTY);
        assertThatThrownBy(() -> DemoServer.of("tomcat")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("demo.server=tomcat").hasMessageContaining("payara, wildfly, liberty");
    }

    @Test
    void settingsDefaultToPayaraAndNeedTheChosenServersHome() {
        Properties p = new Properties();
        p.setProperty("demo.war", "payments.war");
        p.setProperty("demo.payara-jar", "payara-micro.jar");
        DemoSettings payara = DemoSettings.from(p);
        assertThat(payara.server()).isEqualTo(DemoServer.PAYARA);
        assertThat(payara.serverHome()).isEqualTo(Path.of("payara-micro.jar"));

        p.setProperty("demo.server", "liberty");
        assertThatThrownBy(() -> DemoSettings.from(p)).hasMessageContaining("demo.liberty-home");
        p.setProperty("demo.liberty-home", "wlp");
        assertThat(DemoSettings.from(p).serverHome()).isEqualTo(Path.of("wlp"));
    }

    @Test
    void placeholdersAreResolvedAndEscapedAndAnUnknownKeyIsNamed() {
        String xml = ServerWar.resolvePlaceholders(WEB_XML, CONFIG);
        assertThat(xml).contains("<server-name>localhost</server-name>")
                .contains("<password>p&lt;&amp;&gt;&quot;&apos;</password>").doesNotContain("MPCONFIG");
        assertThatThrownBy(() -> ServerWar.resolvePlaceholders(WEB_XML, Map.of()))
                .hasMessageContaining("${MPCONFIG=postbox.demo.db.host}");
    }

    @Test
    void persistenceLosesPayarasJtaPlatformAndGetsTheDialectOnLiberty() {
        String wildFly = ServerWar.persistence(PERSISTENCE_XML, null);
        assertThat(wildFly).doesNotContain("jta.platform").doesNotContain("hibernate.dialect")
                .contains("hibernate.enhancer.enableDirtyTracking");
        String liberty = ServerWar.persistence(PERSISTENCE_XML, ServerWar.dialect(CONFIG));
        assertThat(liberty).doesNotContain("jta.platform")
                .contains("<property name=\"hibernate.dialect\" value=\"org.hibernate.dialect.PostgreSQLDialect\"/>");
        assertThat(ServerWar.dialect(Map.of("postbox.relay.jdbc-url", "jdbc:mariadb://h/x")))
                .isEqualTo("org.hibernate.dialect.MariaDBDialect");
        assertThatThrownBy(() -> ServerWar.persistence("<persistence/>", null)).hasMessageContaining("jta.platform");
    }

    @Test
    void theWildFlyCopyHasNoHibernateJarsAndOnlyItsOwnerCanReadIt() throws IOException {
        Path war = dir.resolve("in.war");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(war))) {
            for (Map.Entry<String, String> e : Map.of(ServerWar.WEB_XML, WEB_XML, ServerWar.PERSISTENCE_XML,
                    PERSISTENCE_XML, "WEB-INF/lib/hibernate-core-6.6.36.Final.jar", "x",
                    "WEB-INF/lib/postgresql-42.7.10.jar", "y", "WEB-INF/lib/postbox-outbox-0.1.jar", "z").entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        Path copy = ServerWar.forWildFly(war, dir.resolve("wildfly"), CONFIG);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy))).isEqualTo("rw-------");
        try (ZipFile zip = new ZipFile(copy.toFile())) {
            List<String> names = Collections.list(zip.entries()).stream().map(ZipEntry::getName).toList();
            assertThat(names).contains("WEB-INF/lib/postgresql-42.7.10.jar", "WEB-INF/lib/postbox-outbox-0.1.jar")
                    .doesNotContain("WEB-INF/lib/hibernate-core-6.6.36.Final.jar");
            assertThat(new String(zip.getInputStream(zip.getEntry(ServerWar.WEB_XML)).readAllBytes(),
                    StandardCharsets.UTF_8)).contains("<server-name>localhost</server-name>");
        }
        assertThat(ServerWar.extractDrivers(war, dir.resolve("lib")).resolve("postgresql-42.7.10.jar")).exists();
    }
}
