package dev.postbox.it.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.it.harness.Http;
import dev.postbox.it.harness.PayaraWar;
import dev.postbox.it.jpa.app.Deposit;
import dev.postbox.testkit.PostgresServer;
import dev.postbox.testkit.PostgresServer.Database;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The harness itself: Hibernate in the WAR, the WAR's data source, a JTA transaction around a JAX-RS call. */
@ExtendWith(ArquillianExtension.class)
class PersistenceOnPayaraIT {

    static Database db;

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive war() {
        db = PostgresServer.shared().createDatabase("jpa_it");
        db.execute("create table deposit (id bigserial primary key, account varchar(64) not null,"
                + " amount bigint not null)");
        return PayaraWar.create("jpa-it", db).addPackage(Deposit.class.getPackage());
    }

    @Test
    void entityPersistedThroughJaxRsCommitsInTheDatabase() {
        Http.Response response = Http.post(base, "api/deposits", "application/x-www-form-urlencoded",
                "account=alice&amount=42");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        long id = Long.parseLong(response.body());
        assertThat(db.queryLong("select amount from deposit where id = " + id + " and account = 'alice'"))
                .isEqualTo(42);
    }

    @Test
    void exceptionAfterFlushRollsTheRowBack() {
        Http.Response response = Http.post(base, "api/deposits", "application/x-www-form-urlencoded",
                "account=bob&amount=-1");

        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(db.queryLong("select count(*) from deposit where account = 'bob'")).isZero();
    }
}
