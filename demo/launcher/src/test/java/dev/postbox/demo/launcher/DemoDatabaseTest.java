package dev.postbox.demo.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The choice of database ({@code demo.db}) and the MariaDB data source of the WAR copy ({@link ServerWar#forMariaDb}). */
class DemoDatabaseTest {

    /** The WAR's real web.xml (demo/payments), not a sample: the swap must keep matching it. */
    private static final Path WEB_XML = Path.of("../payments/src/main/webapp/WEB-INF/web.xml");

    @Test
    void theDatabaseIsPostgresqlByDefaultOrMariadbAndAnotherValueIsAnErrorListingThem() {
        assertThat(DemoDatabase.Kind.of("postgresql")).isEqualTo(DemoDatabase.Kind.POSTGRESQL);
        assertThat(DemoDatabase.Kind.of(" MariaDB ")).isEqualTo(DemoDatabase.Kind.MARIADB);
        assertThatThrownBy(() -> DemoDatabase.Kind.of("oracle")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("demo.db=oracle").hasMessageContaining("postgresql, mariadb");

        Properties p = new Properties();
        p.setProperty("demo.war", "payments.war");
        p.setProperty("demo.payara-jar", "payara-micro.jar");
        assertThat(DemoSettings.from(p).database()).isEqualTo(DemoDatabase.Kind.POSTGRESQL);
        p.setProperty("demo.db", "mariadb");
        assertThat(DemoSettings.from(p).database()).isEqualTo(DemoDatabase.Kind.MARIADB);
        p.setProperty("demo.db", "db2");
        assertThatThrownBy(() -> DemoSettings.from(p)).hasMessageContaining("demo.db=db2");
    }

    @Test
    void mariadbRunsOnPayaraOnlyAndSaysSo() {
        Properties p = new Properties();
        p.setProperty("demo.war", "payments.war");
        p.setProperty("demo.wildfly-home", "wildfly");
        p.setProperty("demo.server", "wildfly");
        p.setProperty("demo.db", "mariadb");
        assertThatThrownBy(() -> DemoSettings.from(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("demo.db=mariadb runs on Payara Micro only")
                .hasMessageContaining("demo.server=wildfly");
    }

    @Test
    void theMariadbCopyOfWebXmlHasMariaDbsDataSourceWithAUrlAndNoPostgresqlProperties() throws Exception {
        String xml = ServerWar.resolvePlaceholders(ServerWar.mariaDbDataSource(Files.readString(WEB_XML)), Map.of(
                "postbox.demo.db.url", "jdbc:mariadb://127.0.0.1:3306/payments_1",
                "postbox.demo.db.user", "postbox", "postbox.demo.db.password", "secret"));
        assertThat(xml).contains("<class-name>org.mariadb.jdbc.MariaDbDataSource</class-name>")
                .contains("<url>jdbc:mariadb://127.0.0.1:3306/payments_1</url>")
                .contains("<user>postbox</user>").contains("<password>secret</password>")
                .doesNotContain("PGSimpleDataSource").doesNotContain("<server-name>").doesNotContain("<port-number>")
                .doesNotContain("<database-name>").doesNotContain("MPCONFIG");
        // element order of the schema: class-name, url, user
        assertThat(xml.indexOf("<class-name>")).isLessThan(xml.indexOf("<url>"));
        assertThat(xml.indexOf("<url>")).isLessThan(xml.indexOf("<user>"));

        assertThatThrownBy(() -> ServerWar.mariaDbDataSource("<web-app/>"))
                .hasMessageContaining("ServerWar.mariaDbDataSource");
    }

    @Test
    void mariadbStatementsAreSplitWithoutCommentLines() {
        assertThat(SchemaMigration.statements("-- a; comment\nCREATE TABLE a (x int);\n\nCREATE INDEX i ON a (x);\n"))
                .containsExactly("CREATE TABLE a (x int)", "CREATE INDEX i ON a (x)");
    }
}
