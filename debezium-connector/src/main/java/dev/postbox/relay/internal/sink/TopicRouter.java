package dev.postbox.relay.internal.sink;

import dev.postbox.relay.RelayEvent;

/**
 * Topic per aggregate type, as Debezium's Outbox Event Router does ({@code route.by.field=aggregatetype},
 * {@code route.topic.replacement=outbox.event.${routedByValue}}).
 */
public final class TopicRouter {

    private final String pattern;

    public TopicRouter(String pattern) {
        this.pattern = pattern;
    }

    public String topic(RelayEvent event) {
        return pattern.replace("${aggregatetype}", event.aggregateType())
                .replace("${routedByValue}", event.aggregateType());
    }
}
