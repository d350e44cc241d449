package dev.postbox.relay;

import static dev.postbox.relay.RelayTestSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.postbox.relay.internal.cdi.RelayExtension;
import dev.postbox.testkit.PostgresServer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.se.SeContainer;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.se.SeContainerInitializer;
import jakarta.enterprise.inject.spi.InjectionPoint;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The CDI layer in Weld SE with SmallRye Config (system properties as the config source): started with the
 * application, CDI event sink, health checks, configuration errors as deployment problems.
 */
class CdiRelayTest {

    static final List<RelayEvent> OBSERVED = new CopyOnWriteArrayList<>();

    @ApplicationScoped
    public static class Listener {
        void on(@Observes RelayEvent event) {
            OBSERVED.add(event);
        }
    }

    /**
     * A MetricRegistry producer that, like Payara's, reads the annotations of the injection point it serves (for
     * {@code @RegistryScope}); records the gauges registered.
     */
    @ApplicationScoped
    public static class PayaraLikeMetrics {
        static final List<String> GAUGES = new CopyOnWriteArrayList<>();

        @Produces
        @Dependent
        MetricRegistry registry(InjectionPoint injectionPoint) {
            injectionPoint.getAnnotated().getAnnotation(RegistryScope.class); // NPE for a programmatic lookup
            return (MetricRegistry) Proxy.newProxyInstance(MetricRegistry.class.getClassLoader(),
                    new Class<?>[] {MetricRegistry.class}, (proxy, method, args) -> {
                        if (method.getName().equals("gauge")) {
                            GAUGES.add((String) args[0]);
                        }
                        return null;
                    });
        }
    }

    private final List<String> keys = new CopyOnWriteArrayList<>();

    private void configure(Map<String, String> values) {
        values.forEach((k, v) -> {
            System.setProperty(k, v);
            keys.add(k);
        });
        io.smallrye.config.SmallRyeConfigProviderResolver.instance()
                .releaseConfig(org.eclipse.microprofile.config.ConfigProvider.getConfig());
    }

    @AfterEach
    void clearConfig() {
        keys.forEach(System::clearProperty);
        io.smallrye.config.SmallRyeConfigProviderResolver.instance()
                .releaseConfig(org.eclipse.microprofile.config.ConfigProvider.getConfig());
    }

    private static SeContainer container() {
        return SeContainerInitializer.newInstance().disableDiscovery()
                .addExtensions(new RelayExtension()).addBeanClasses(Listener.class).initialize();
    }

    @Test
    void startsWithTheApplicationFiresCdiEventsAndReportsHealth() {
        PostgresServer.Database db = database("cdi");
        configure(Map.of(
                "postbox.relay.jdbc-url", db.jdbcUrl(),
                "postbox.relay.user", db.user(),
                "postbox.relay.password", db.password(),
                "postbox.relay.slot-name", db.name(),
                "postbox.relay.publication-name", "pub_" + db.name(),
                "postbox.relay.sink", "cdi",
                "postbox.relay.standby-retry-interval", "200ms"));
        try (SeContainer container = container()) {
            OutboxRelay relay = container.select(OutboxRelay.class).get();
            awaitState(relay, RelayStatus.State.ACTIVE);
            insert(db, "Order", "o-1", 1);
            insert(db, "Order", "o-1", 2);
            await("observed", () -> OBSERVED.stream().filter(e -> e.aggregateId().equals("o-1")).count() == 2);
            assertThat(OBSERVED).extracting(RelayEvent::payload).containsExactly("{\"seq\": 1}", "{\"seq\": 2}");

            HealthCheckResponse ready = container.select(HealthCheck.class, Readiness.Literal.INSTANCE).get().call();
            assertThat(ready.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            assertThat(ready.getData().orElseThrow()).containsEntry("state", "ACTIVE").containsKey("slotLagBytes");
            assertThat(container.select(ParkedEvents.class).get().count()).isZero();
        }
        // the application stopped: so did the relay, releasing the slot
        await("slot released", () -> db.queryLong("select count(*) from pg_replication_slots where slot_name = '"
                + db.name() + "' and not active") == 1);
    }

    @Test
    void gaugesAreRegisteredWithAProducerThatReadsItsInjectionPoint() {
        PostgresServer.Database db = database("cdi_metrics");
        configure(Map.of(
                "postbox.relay.jdbc-url", db.jdbcUrl(),
                "postbox.relay.user", db.user(),
                "postbox.relay.password", db.password(),
                "postbox.relay.slot-name", db.name(),
                "postbox.relay.publication-name", "pub_" + db.name(),
                "postbox.relay.sink", "cdi",
                "postbox.relay.standby-retry-interval", "200ms"));
        try (SeContainer container = SeContainerInitializer.newInstance().disableDiscovery()
                .addExtensions(new RelayExtension()).addBeanClasses(Listener.class, PayaraLikeMetrics.class)
                .initialize()) {
            assertThat(PayaraLikeMetrics.GAUGES).contains("postbox.relay.events.relayed",
                    "postbox.relay.slot.lag.bytes");
        }
    }

    @Test
    void invalidConfigurationFailsTheDeploymentNamingTheKey() {
        configure(Map.of(
                "postbox.relay.jdbc-url", "jdbc:postgresql://localhost:5432/app",
                "postbox.relay.user", "app",
                "postbox.relay.sink", "kafka",
                "postbox.relay.kafka.bootstrap-servers", "localhost:9092",
                "postbox.relay.outbox-table", "Outbox-Event"));
        Throwable t = catchThrowable(() -> container().close());
        assertThat(t).isNotNull();
        assertThat(t.toString() + (t.getCause() == null ? "" : t.getCause().toString()))
                .contains("postbox.relay.outbox-table");
    }

    @Test
    void enabledAcceptsOnlyTrueOrFalse() {
        configure(Map.of("postbox.relay.enabled", "no"));
        Throwable t = catchThrowable(() -> container().close());
        assertThat(t).isNotNull();
        assertThat(t.toString() + (t.getCause() == null ? "" : t.getCause().toString()))
                .contains("postbox.relay.enabled='no'").contains("must be true or false");
    }

    @Test
    void disabledRelayStartsNothing() {
        configure(Map.of("postbox.relay.enabled", "false"));
        try (SeContainer container = container()) {
            HealthCheckResponse ready = container.select(HealthCheck.class, Readiness.Literal.INSTANCE).get().call();
            assertThat(ready.getData().orElseThrow()).containsEntry("state", "DISABLED");
        }
    }

    /**
     * WildFly makes every {@code @Path} class in WEB-INF/lib a bean; Kafka Connect's REST resources (from
     * connect-runtime, which the Debezium engine brings) then fail the deployment on their unsatisfied {@code Herder}.
     * The extension vetoes them: here the real {@code LoggingResource} is offered to the container as a bean class.
     */
    @Test
    void kafkaConnectRestResourcesAreVetoedSoTheirDependenciesNeedNoBeans() {
        configure(Map.of("postbox.relay.enabled", "false"));
        Class<?> connectResource = org.apache.kafka.connect.runtime.rest.resources.LoggingResource.class;

        Throwable withoutVeto = catchThrowable(() -> SeContainerInitializer.newInstance().disableDiscovery()
                .addBeanClasses(connectResource).initialize().close());
        assertThat(withoutVeto).as("the resource alone fails, as on WildFly").isNotNull()
                .hasMessageContaining("Herder");

        try (SeContainer container = SeContainerInitializer.newInstance().disableDiscovery()
                .addExtensions(new RelayExtension()).addBeanClasses(Listener.class, connectResource).initialize()) {
            assertThat(container.select(connectResource).isUnsatisfied()).isTrue();
        }
    }
}
