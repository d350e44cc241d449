package dev.postbox.relay;

import dev.postbox.relay.internal.sink.KafkaSink;
import dev.postbox.relay.internal.sink.TopicRouter;
import dev.postbox.relay.internal.sink.WebhookSink;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** The built-in sinks, for composing your own (e.g. a filter in front of Kafka) in plain Java. */
public final class RelaySinks {

    private RelaySinks() {
    }

    /**
     * Kafka, routed like Debezium's Outbox Event Router.
     *
     * @param topicPattern e.g. {@code outbox.event.${aggregatetype}}
     * @param producerProperties overrides of the relay's producer defaults (acks=all, idempotence, short timeouts)
     */
    public static RelaySink kafka(String bootstrapServers, String topicPattern, Map<String, String> producerProperties) {
        return new KafkaSink(bootstrapServers, producerProperties, new TopicRouter(topicPattern));
    }

    /** An HTTP endpoint, signed with Standard Webhooks headers. */
    public static RelaySink webhook(URI url, String secret, Duration timeout) {
        return new WebhookSink(url, secret, timeout);
    }
}
