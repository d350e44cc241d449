package dev.postbox.demo.payments;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The demo's own configuration keys (MicroProfile Config), each declared once here. The launcher sets them as
 * system properties of the Payara Micro process; the data source keys ({@code postbox.demo.db.*}) are read by
 * Payara itself through {@code ${MPCONFIG=...}} placeholders in {@code WEB-INF/web.xml}.
 */
@ApplicationScoped
public class DemoConfig {

    /** Kafka bootstrap servers the consumers read from (the relay has its own key). */
    public static final String KAFKA = "postbox.demo.kafka.bootstrap-servers";
    /** Base URL of the external ledger API, e.g. http://127.0.0.1:8091/ledger. */
    public static final String LEDGER_URL = "postbox.demo.ledger.url";
    /** Every n-th non-empty poll, the consumer "crashes" before committing and reads the batch again; 0 = never. */
    public static final String REDELIVER_EVERY = "postbox.demo.consumer.redeliver-every";
    /** Deposits of at least this many cents are also reported to compliance (a second topic). */
    public static final String COMPLIANCE_THRESHOLD = "postbox.demo.compliance.threshold-cents";

    private final Config config = ConfigProvider.getConfig();

    public Optional<String> kafkaBootstrapServers() {
        return config.getOptionalValue(KAFKA, String.class).filter(s -> !s.isBlank());
    }

    public Optional<URI> ledgerUrl() {
        return config.getOptionalValue(LEDGER_URL, String.class).filter(s -> !s.isBlank()).map(URI::create);
    }

    public int redeliverEvery() {
        return config.getOptionalValue(REDELIVER_EVERY, Integer.class).orElse(4);
    }

    public long complianceThresholdCents() {
        return config.getOptionalValue(COMPLIANCE_THRESHOLD, Long.class).orElse(1_000_000L);
    }
}
