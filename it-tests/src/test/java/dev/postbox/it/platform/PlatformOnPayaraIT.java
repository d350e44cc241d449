package dev.postbox.it.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.it.harness.Http;
import dev.postbox.it.harness.ServerWar;
import dev.postbox.it.platform.app.Account;
import dev.postbox.it.platform.lib.LibExtension;
import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.PostgresServer.Database;
import jakarta.enterprise.inject.spi.Extension;
import java.net.URL;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the Postbox modules rely on from Payara Micro, proven on the server: late interposed synchronizations
 * from a JPA callback at commit, JDBC on the JPA connection, CDI in entity listeners, a library jar without
 * beans.xml whose extension adds beans, interceptors and transactional methods, the managed executor, MP Config.
 *
 * <p>Payara only: these are Payara Micro's answers to the questions Postbox's design asked (some are Payara's own
 * behaviour, e.g. no BeanManager for a Hibernate inside the WAR). On the other servers the Postbox suite
 * ({@code PostboxIT}, {@code DeploymentErrorIT}) proves what users rely on.
 */
@EnabledIfSystemProperty(named = "postbox.it.server", matches = "payara",
        disabledReason = "probes Payara Micro's own platform behaviour; PostboxIT covers the other servers")
@ExtendWith(ArquillianExtension.class)
class PlatformOnPayaraIT {

    static Database db;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive war() {
        db = PostgresServer.shared().createDatabase("platform_it");
        db.execute("create table account (id bigint primary key, balance bigint not null)",
                "create table outbox_probe (id bigserial primary key, account_id bigint not null,"
                        + " backend_pid int not null)",
                "create table lib_probe (id bigserial primary key, label text not null)",
                "insert into account (id, balance) select g, 0 from generate_series(1, 20) g");
        // a library like postbox-outbox: no beans.xml, an extension, its own MP Config defaults
        JavaArchive lib = ShrinkWrap.create(JavaArchive.class, "probe-lib.jar")
                .addPackage(LibExtension.class.getPackage())
                .addAsServiceProvider(Extension.class, LibExtension.class)
                .addAsManifestResource(new StringAsset("probe.lib.key=from-lib\n"), "microprofile-config.properties");
        return ServerWar.create("platform-it", db)
                .addPackage(Account.class.getPackage())
                .addAsLibrary(lib)
                .addAsResource(new StringAsset("probe.war.key=from-war\n"), "META-INF/microprofile-config.properties");
    }

    private List<String> transaction(long account, long balance, String mode) {
        Http.Response response = Http.post(base, "api/tx/" + account + "?balance=" + balance + "&mode=" + mode,
                "text/plain", "");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        System.out.println("trace of mode '" + mode + "':\n" + response.body());
        return List.of(response.body().split("\n"));
    }

    private static String line(List<String> trace, String prefix) {
        return trace.stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + prefix + " in " + trace));
    }

    private static String jpaPid(List<String> trace) {
        return line(trace, "service:jpa-pid=").substring("service:jpa-pid=".length());
    }

    private static int index(List<String> trace, String prefix) {
        return trace.indexOf(line(trace, prefix));
    }

    // --- question 1: an outbox row written at commit, atomically with the JPA change ---

    @Test
    void synchronizationRegisteredDuringTheCommitFlushRunsAndWritesOnTheSessionConnection() {
        List<String> trace = transaction(1, 100, "plain");

        assertThat(trace).last().isEqualTo("result:committed");
        // Hibernate flushes at commit, after the business method returned, inside its (non-interposed)
        // beforeCompletion; the interposed synchronization registered there still gets its beforeCompletion
        assertThat(index(trace, "service:return")).isLessThan(index(trace, "listener:postUpdate"));
        assertThat(line(trace, "listener:callers=")).contains("RegisteredSynchronization.beforeCompletion");
        assertThat(index(trace, "listener:postUpdate")).isLessThan(index(trace, "outbox:registered"));
        assertThat(index(trace, "outbox:registered")).isLessThan(index(trace, "outbox:beforeCompletion"));
        assertThat(line(trace, "outbox:afterCompletion")).isEqualTo("outbox:afterCompletion status=3"); // committed
        String jpaPid = jpaPid(trace);
        assertThat(line(trace, "outbox:pid=")).isEqualTo("outbox:pid=" + jpaPid + " autocommit=false");
        assertThat(db.queryLong("select balance from account where id = 1")).isEqualTo(100);
        assertThat(db.queryLong("select backend_pid from outbox_probe where account_id = 1"))
                .isEqualTo(Long.parseLong(jpaPid));
    }

    @Test
    void sessionConnectionInsertRollsBackWhenTheCommitFailsAfterIt() {
        List<String> trace = transaction(2, 200, "late-failure");

        assertThat(trace).contains("outbox:inserted 1", "failing:beforeCompletion");
        assertThat(trace).last().asString().startsWith("result:failed");
        assertThat(db.queryLong("select balance from account where id = 2")).isZero();
        assertThat(db.queryLong("select count(*) from outbox_probe where account_id = 2")).isZero();
    }

    /**
     * The trap: during commit (in the JPA callback at flush and in every synchronization) Payara hands out a
     * connection that is NOT enlisted in the transaction: another physical connection, in autocommit. A row
     * written there survives the rollback of the business change.
     */
    @Test
    void dataSourceConnectionTakenDuringCommitIsNotInTheTransaction() {
        List<String> trace = transaction(3, 300, "via-datasource,late-failure");

        assertThat(line(trace, "outbox:pid=")).isNotEqualTo("outbox:pid=" + jpaPid(trace) + " autocommit=false")
                .endsWith("autocommit=true");
        assertThat(trace).last().asString().startsWith("result:failed");
        assertThat(db.queryLong("select balance from account where id = 3")).isZero();
        assertThat(db.queryLong("select count(*) from outbox_probe where account_id = 3")).isEqualTo(1);
    }

    @Test
    void businessExceptionAfterFlushRollsBackTheChangeAndSkipsTheSynchronization() {
        List<String> trace = transaction(4, 400, "flush,business-throws");

        assertThat(trace).last().asString().startsWith("result:failed");
        // the listener ran in the explicit flush, while the transaction was active; rollback calls no beforeCompletion
        assertThat(index(trace, "outbox:registered")).isLessThan(index(trace, "service:flushed"));
        assertThat(trace).noneMatch(l -> l.startsWith("outbox:beforeCompletion"));
        assertThat(line(trace, "outbox:afterCompletion")).isEqualTo("outbox:afterCompletion status=4"); // rolled back
        assertThat(db.queryLong("select balance from account where id = 4")).isZero();
        assertThat(db.queryLong("select count(*) from outbox_probe where account_id = 4")).isZero();
    }

    @Test
    void failureInTheSynchronizationRollsBackTheJpaChange() {
        List<String> trace = transaction(5, 500, "sync-throws");

        assertThat(trace).last().asString().startsWith("result:failed").contains("outbox insert failed (simulated)");
        assertThat(db.queryLong("select balance from account where id = 5")).isZero();
        assertThat(db.queryLong("select count(*) from outbox_probe where account_id = 5")).isZero();
    }

    @Test
    void interposedSynchronizationRegisteredEarlyRunsAfterHibernatesFlush() {
        // holding a connection taken while the transaction was active: it is the JPA connection and sees the flush
        List<String> held = transaction(6, 600, "early-held");
        assertThat(index(held, "listener:postUpdate")).isLessThan(index(held, "early:beforeCompletion"));
        assertThat(line(held, "early:beforeCompletion"))
                .isEqualTo("early:beforeCompletion balance=600 pid=" + jpaPid(held) + " autocommit=false");

        // a connection taken at commit is another one, outside the transaction: it does not see the change
        List<String> late = transaction(7, 700, "early");
        assertThat(index(late, "listener:postUpdate")).isLessThan(index(late, "early:beforeCompletion"));
        assertThat(line(late, "early:beforeCompletion")).startsWith("early:beforeCompletion balance=0 ");
    }

    @Test
    void connectionTakenInTheBusinessMethodIsTheTransactionsConnectionButNotOneTakenInAJpaCallback() {
        List<String> afterFind = transaction(8, 800, "after-find-held");
        assertThat(line(afterFind, "early:beforeCompletion"))
                .isEqualTo("early:beforeCompletion balance=800 pid=" + jpaPid(afterFind) + " autocommit=false");

        List<String> inPostLoad = transaction(10, 1000, "postload-held");
        assertThat(line(inPostLoad, "early:beforeCompletion")).startsWith("early:beforeCompletion balance=0 ")
                .doesNotContain("pid=" + jpaPid(inPostLoad) + " ");
    }

    // --- question 2: CDI in JPA entity listeners ---

    @Test
    void entityListenerGetsNoInjectionButCdiCurrentWorks() {
        List<String> trace = transaction(9, 1, "plain");

        // Payara passes no BeanManager to a WAR-packaged Hibernate (HHH10005002): use CDI.current() in listeners
        assertThat(line(trace, "listener:postUpdate")).contains("injected=false", "cdiCurrent=recorder");
    }

    // --- question 3: a library jar without beans.xml whose extension adds its beans ---

    @Test
    void libraryBeansAddedByTheExtensionAreIntercepted() {
        Http.Response response = Http.get(base, "api/platform/greet");

        assertThat(response.body()).isEqualTo("traced:hello postbox");
    }

    @Test
    void requiresNewOnALibraryBeanCommitsOnItsOwn() {
        Http.Response response = Http.post(base, "api/platform/requires-new", "text/plain", "");

        System.out.println("requires-new: " + response.body());
        assertThat(response.body()).startsWith("outer=");
        String[] keys = response.body().split(" ");
        assertThat(keys[0].substring("outer=".length())).isNotEqualTo(keys[1].substring("inner=".length()));
        assertThat(db.queryLong("select count(*) from lib_probe where label = 'inner'")).isEqualTo(1);
        assertThat(db.queryLong("select count(*) from lib_probe where label = 'outer'")).isZero();
    }

    @Test
    void managedScheduledExecutorIsAvailableToLibraryBeansAtStartup() {
        Http.Response response = Http.get(base, "api/platform/executor");

        System.out.println("executor: " + response.body());
        assertThat(response.body()).doesNotContain("failed").contains("ran on");
    }

    @Test
    void microProfileConfigReadsPropertiesFromTheWarAndFromLibraryJars() {
        Http.Response response = Http.get(base, "api/platform/config");

        assertThat(response.body()).isEqualTo("app: war=from-war lib=from-lib\nlibrary: war=from-war lib=from-lib");
    }
}
