package dev.postbox.inbox.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.inbox.internal.InboxDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.InjectionPoint;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.annotation.RegistryScope;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The inbox's gauges through MicroProfile Metrics, in Weld SE with a registry that, like Payara's producer, reads
 * the annotations of its injection point: registered per scope at start, and reading the counts after calls.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractInboxMetricsCdiTest {

    /** The database this suite runs on. */
    abstract InboxDatabase.Product product();

    /** Every gauge registered, by "name{scope}", and how to read it. */
    static final Map<String, Function<Void, Number>> GAUGES = new ConcurrentHashMap<>();

    @ApplicationScoped
    public static class PayaraLikeMetrics {
        @Produces
        @Dependent
        @SuppressWarnings("unchecked")
        MetricRegistry registry(InjectionPoint injectionPoint) {
            injectionPoint.getAnnotated().getAnnotation(RegistryScope.class); // NPE for a programmatic lookup
            return (MetricRegistry) Proxy.newProxyInstance(MetricRegistry.class.getClassLoader(),
                    new Class<?>[] {MetricRegistry.class}, (proxy, method, args) -> {
                        if (method.getName().equals("gauge") && args.length == 4 && args[0] instanceof String name) {
                            Object source = args[1];
                            Function<Object, Number> read = (Function<Object, Number>) args[2];
                            Tag tag = ((Tag[]) args[3])[0];
                            GAUGES.put(name + "{" + tag.getTagName() + "=" + tag.getTagValue() + "}",
                                    ignored -> read.apply(source));
                        }
                        return null;
                    });
        }
    }

    private static long gauge(String name, String scope) {
        Function<Void, Number> read = GAUGES.get(name + "{scope=" + scope + "}");
        assertThat(read).as("gauge %s of scope %s", name, scope).isNotNull();
        return read.apply(null).longValue();
    }

    @Test
    void gaugesPerScopeAreRegisteredAtStartAndReadTheCounts() {
        GAUGES.clear(); // a container of this run registers them, not one of the other database's suite
        TestEnvironment.database = InboxDatabase.create(product(), "inbox_metrics_cdi");
        WeldContainer container = new Weld("inbox-metrics-test").disableDiscovery()
                .addExtension(new dev.postbox.inbox.internal.cdi.InboxExtension())
                .addBeanClasses(TestEnvironment.class, PaymentListener.class, PayaraLikeMetrics.class)
                .initialize();
        try {
            assertThat(GAUGES).containsKeys("postbox.inbox.deliveries.first{scope=settle}",
                    "postbox.inbox.duplicates{scope=ledger}", "postbox.inbox.in.progress{scope=settle}",
                    "postbox.inbox.failures{scope=settle}", "postbox.inbox.scheduled.runs{scope=settle}",
                    "postbox.inbox.retries.due{scope=settle}", "postbox.inbox.retries.overdue{scope=settle}",
                    "postbox.inbox.records.dead{scope=settle}");
            PaymentListener listener = container.select(PaymentListener.class).get();
            listener.settle(new PaymentListener.Settlement("set-1", 10));
            listener.settle(new PaymentListener.Settlement("set-1", 10));
            assertThat(gauge("postbox.inbox.deliveries.first", "settle")).isEqualTo(1);
            assertThat(gauge("postbox.inbox.duplicates", "settle")).isEqualTo(1);
            assertThat(gauge("postbox.inbox.records.dead", "settle")).isZero();
        } finally {
            container.shutdown();
        }
    }

    @Test
    void theBreakerOfAScopeShowsInItsGauges() {
        GAUGES.clear(); // a container of this run registers them, not one of the other database's suite
        TestEnvironment.database = InboxDatabase.create(product(), "inbox_metrics_breaker");
        String threshold = "postbox.inbox.\"archive\".breaker.failure-threshold";
        String coolDown = "postbox.inbox.\"archive\".breaker.cool-down";
        System.setProperty(threshold, "1");
        System.setProperty(coolDown, "PT1H");
        WeldContainer container = new Weld("inbox-metrics-breaker").disableDiscovery()
                .addExtension(new dev.postbox.inbox.internal.cdi.InboxExtension())
                .addBeanClasses(TestEnvironment.class, PaymentListener.class, PayaraLikeMetrics.class)
                .initialize();
        try {
            assertThat(gauge("postbox.inbox.breaker.state", "archive")).isZero(); // closed
            assertThat(gauge("postbox.inbox.breaker.opens", "archive")).isZero();
            PaymentListener listener = container.select(PaymentListener.class).get();
            // the archive is offline: one transient failure opens the scope (threshold 1)
            org.assertj.core.api.Assertions.catchThrowable(() -> listener.archive("arc-1", List.of(1)));
            // the next delivery is deferred without a call
            org.assertj.core.api.Assertions.catchThrowable(() -> listener.archive("arc-2", List.of(2)));
            await(() -> gauge("postbox.inbox.breaker.state", "archive") == 1);
            assertThat(gauge("postbox.inbox.breaker.opens", "archive")).isEqualTo(1);
            assertThat(gauge("postbox.inbox.breaker.probes", "archive")).isZero();
            assertThat(gauge("postbox.inbox.deferred", "archive")).isEqualTo(1);
            assertThat(gauge("postbox.inbox.breaker.state", "settle")).isZero(); // no breaker there
        } finally {
            container.shutdown();
            System.clearProperty(threshold);
            System.clearProperty(coolDown);
        }
    }

    /** The gauges read a status cached for up to 5 s. */
    private static void await(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("gauge not updated within 10 s").isLessThan(deadline);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
