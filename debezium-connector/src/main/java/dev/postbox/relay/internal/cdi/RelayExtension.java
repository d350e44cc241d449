package dev.postbox.relay.internal.cdi;

import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.common.internal.config.ConfigSource;
import dev.postbox.relay.OutboxRelay;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.AfterTypeDiscovery;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.WithAnnotations;
import jakarta.ws.rs.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Makes sure the relay's beans exist, checks the configuration at deployment (a bad value fails the deployment with
 * the key named instead of surfacing later), and keeps Kafka Connect's REST resources out of CDI (see
 * {@link #vetoConnectRestResources}).
 *
 * <p>The jar's {@code beans.xml} (annotated mode) has the server discover the beans, each in the jar's own bean
 * archive: WildFly's MicroProfile Health looks checks up from the application's bean archive and did not see checks
 * added by an extension from a jar that is not a bean archive. The classes of an API that is absent (MicroProfile
 * Health or Metrics) are excluded there. Where discovery did not happen (a container started without discovery, a
 * repackaged jar without the beans.xml), the extension adds what was not discovered, under the same conditions.
 */
public class RelayExtension implements Extension {

    static final String METRICS_API = "org.eclipse.microprofile.metrics.MetricRegistry";
    /** Kafka Connect's REST layer, in {@code connect-runtime} (a dependency of the Debezium engine). */
    static final String CONNECT_REST_PACKAGE = "org.apache.kafka.connect.runtime.rest.";

    /**
     * WildFly makes every {@code @Path} class in {@code WEB-INF/lib} a CDI bean, whatever the application's
     * {@code getClasses()} lists; Kafka Connect's REST resources then fail the deployment ({@code WELD-001408:
     * Unsatisfied dependencies for type Herder}). The relay never uses Connect's REST layer, so its types are
     * vetoed. Only types with {@code @Path} reach this observer, which keeps it cheap.
     */
    void vetoConnectRestResources(@Observes @WithAnnotations(Path.class) ProcessAnnotatedType<?> pat) {
        if (pat.getAnnotatedType().getJavaClass().getName().startsWith(CONNECT_REST_PACKAGE)) {
            pat.veto();
        }
    }

    private final Set<String> discovered = ConcurrentHashMap.newKeySet();

    /**
     * Notes which of the relay's beans discovery found (only types with their scopes reach here). {@code Dependent}
     * too: {@link RelayMetrics} is one, and on Payara and Open Liberty, adding it again after discovery made a second bean
     * ({@code WELD-001335: Ambiguous dependencies for type RelayMetrics}).
     */
    void noteDiscovered(@Observes @WithAnnotations({ApplicationScoped.class, Dependent.class})
            ProcessAnnotatedType<?> pat) {
        String name = pat.getAnnotatedType().getJavaClass().getName();
        if (name.startsWith(RelayLifecycle.class.getPackageName() + ".")) {
            discovered.add(name);
        }
    }

    void registerBeans(@Observes AfterTypeDiscovery atd, BeanManager bm) {
        addUnlessDiscovered(atd, bm, RelayLifecycle.class);
        if (present("org.eclipse.microprofile.health.HealthCheck")) {
            addUnlessDiscovered(atd, bm, RelayReadinessCheck.class);
            addUnlessDiscovered(atd, bm, RelayLivenessCheck.class);
        }
        if (present(METRICS_API)) {
            addUnlessDiscovered(atd, bm, RelayMetrics.class);
        }
    }

    private void addUnlessDiscovered(AfterTypeDiscovery atd, BeanManager bm, Class<?> type) {
        if (!discovered.contains(type.getName())) {
            atd.addAnnotatedType(bm.createAnnotatedType(type), type.getName());
        }
    }

    void validateConfiguration(@Observes AfterDeploymentValidation adv) {
        try {
            ConfigSource source = MicroProfileConfigReader.source(ConfigProvider.getConfig());
            if (MicroProfileConfigReader.enabled(source)) {
                MicroProfileConfigReader.read(source);
            }
        } catch (PostboxConfigurationException e) {
            adv.addDeploymentProblem(e);
        }
    }

    static boolean present(String className) {
        try {
            Class.forName(className, false, OutboxRelay.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
