package dev.postbox.outbox.support;

import dev.postbox.outbox.Outbox;
import dev.postbox.testkit.TestDatabase;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Persistence;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import jakarta.enterprise.inject.spi.Extension;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;

/**
 * Everything an application server would give the outbox, built in-process on a real database (PostgreSQL, or
 * MariaDB through {@link OutboxDatabase}):
 * a JTA transaction manager with data sources that share one connection per transaction like a server's pool
 * ({@link TestJta}: the test kit's LocalJta by default, or Narayana), Weld SE with the outbox's portable
 * extension, SmallRye Config for MicroProfile Config, and Hibernate in JTA mode using CDI for its entity
 * listeners.
 */
public final class OutboxHarness implements AutoCloseable {

    public final TestDatabase db;
    public final TestJta jta;
    public final WeldContainer weld;
    private final List<EntityManagerFactory> factories = new ArrayList<>();

    private OutboxHarness(TestDatabase db, TestJta jta, WeldContainer weld) {
        this.db = db;
        this.jta = jta;
        this.weld = weld;
    }

    /** A new database with the shipped outbox DDL and a purchase_order table, on LocalJta. */
    public static OutboxHarness start(Map<String, String> config, Class<?>... extraBeans) {
        return start(TestJta.LOCAL_JTA, config, extraBeans);
    }

    /** A new PostgreSQL database with the shipped outbox DDL and a purchase_order table, on the given manager. */
    public static OutboxHarness start(Function<TestDatabase, TestJta> transactionManager,
            Map<String, String> config, Class<?>... extraBeans) {
        return start(OutboxDatabase.POSTGRESQL, transactionManager, config, extraBeans);
    }

    /** A new database of that product with its shipped outbox DDL and a purchase_order table. */
    public static OutboxHarness start(OutboxDatabase product, Function<TestDatabase, TestJta> transactionManager,
            Map<String, String> config, Class<?>... extraBeans) {
        TestDatabase db = product.createDatabase("outbox");
        return startOn(transactionManager, db, config, extraBeans);
    }

    /** Starts the container on an existing database and LocalJta; throws what Weld throws on deployment problems. */
    public static OutboxHarness startOn(TestDatabase db, Map<String, String> config,
            Class<?>... extraBeans) {
        return startOn(TestJta.LOCAL_JTA, db, config, extraBeans);
    }

    /** Starts the container on an existing database; throws what Weld throws on deployment problems. */
    public static OutboxHarness startOn(Function<TestDatabase, TestJta> transactionManager,
            TestDatabase db, Map<String, String> config, Class<?>... extraBeans) {
        TestJta jta = transactionManager.apply(db);
        TestOutboxEnvironment.jta = jta;
        Map<String, String> effective = new HashMap<>();
        effective.put("postbox.outbox.datasource", "java:app/jdbc/orders");
        effective.putAll(config);
        withConfig(effective);
        Weld weld = new Weld("outbox-test-" + System.nanoTime())
                .disableDiscovery()
                .addBeanClass(TestOutboxEnvironment.class)
                .addBeanClasses(extraBeans);
        // Discovery is off, so register what META-INF/services declares, as a server would (this also checks
        // that the outbox jar's service file names its extension). Postbox's only: the Narayana jar on the test
        // class path declares its own CDI extension (@Transactional interceptors), which is not under test.
        ServiceLoader.load(Extension.class).stream().map(ServiceLoader.Provider::get)
                .filter(extension -> extension.getClass().getName().startsWith("dev.postbox."))
                .forEach(weld::addExtension);
        return new OutboxHarness(db, jta, weld.initialize());
    }

    /** Makes MicroProfile Config see exactly these postbox.* values (as system properties). */
    public static void withConfig(Map<String, String> config) {
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("postbox."))
                .forEach(System::clearProperty);
        config.forEach(System::setProperty);
        ConfigProviderResolver.instance().releaseConfig(ConfigProvider.getConfig());
    }

    public static String shippedDdl() {
        try (InputStream in = OutboxHarness.class.getClassLoader()
                .getResourceAsStream("db/postbox/V1_1__postbox_outbox.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Outbox outbox() {
        return weld.select(Outbox.class).get();
    }

    /** A JTA-mode Hibernate factory for the given persistence unit of src/test/resources/META-INF/persistence.xml. */
    public EntityManagerFactory entityManagerFactory(String unit, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put("jakarta.persistence.jtaDataSource", jta.jpaDataSource());
        props.put("hibernate.transaction.jta.platform", jta.hibernateJtaPlatform());
        props.put("jakarta.persistence.bean.manager", weld.getBeanManager());
        props.put("hibernate.show_sql", "false");
        props.putAll(extra);
        EntityManagerFactory emf = Persistence.createEntityManagerFactory(unit, props);
        factories.add(emf);
        return emf;
    }

    public void inTransaction(Callable<?> work) throws Exception {
        jta.inTransaction(work);
    }

    /** Runs {@code work} in a JTA transaction with its own EntityManager; commits unless it throws. */
    public void inTransaction(EntityManagerFactory emf, Consumer<EntityManager> work) throws Exception {
        jta.inTransaction(() -> {
            EntityManager em = emf.createEntityManager();
            try {
                work.accept(em);
            } finally {
                em.close();
            }
            return null;
        });
    }

    /** The ids of outbox rows in the order the write-ahead log carries their inserts (test_decoding slot). */
    public static List<String> insertedIdsInLogOrder(List<String> changes) {
        List<String> ids = new ArrayList<>();
        for (String change : changes) {
            if (change.startsWith("table public.outbox_event: INSERT:")) {
                int start = change.indexOf("id[uuid]:'") + "id[uuid]:'".length();
                ids.add(change.substring(start, change.indexOf('\'', start)));
            }
        }
        return ids;
    }

    @Override
    public void close() {
        factories.forEach(EntityManagerFactory::close);
        weld.shutdown();
        withConfig(Map.of());
    }
}
