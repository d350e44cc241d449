package dev.postbox.relay.internal;

import dev.postbox.relay.RelayEvent;

/** Order is kept per aggregate: its type (the topic) and its id (the key). */
record AggregateKey(String type, String id) {

    static AggregateKey of(RelayEvent event) {
        return new AggregateKey(event.aggregateType(), event.aggregateId());
    }

    @Override
    public String toString() {
        return type + "/" + id;
    }
}
