package dev.postbox.relay.internal.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.postbox.relay.RelayEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** A producer that keeps timing out is replaced; one that works is kept. */
class KafkaSinkTest {

    /** What a producer whose I/O thread died looks like from outside: every send times out. */
    static final class WedgedProducer extends MockProducer<String, byte[]> {
        WedgedProducer() {
            super(false, null, new StringSerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
            TimeoutException e = new TimeoutException("Topic " + record.topic() + " not present in metadata after 5000 ms.");
            callback.onCompletion(null, e);
            return CompletableFuture.failedFuture(e);
        }
    }

    private static RelayEvent event() {
        return new RelayEvent(UUID.randomUUID(), "Payment", "p-1", "PaymentCaptured", "{}", Map.of(), Instant.now(), "");
    }

    @Test
    void aProducerThatKeepsTimingOutIsReplaced() throws Exception {
        WedgedProducer wedged = new WedgedProducer();
        MockProducer<String, byte[]> healthy = new MockProducer<>(true, null,
                new StringSerializer(), new ByteArraySerializer());
        List<Producer<String, byte[]>> created = new ArrayList<>(List.of(wedged, healthy));
        KafkaSink sink = new KafkaSink(() -> created.remove(0), new TopicRouter("outbox.event.${aggregatetype}"),
                "kafka test");

        for (int i = 0; i < KafkaSink.REPLACE_AFTER_TIMEOUTS; i++) {
            Throwable failure = catchThrowable(() -> sink.send(event()).toCompletableFuture().join());
            assertThat(failure).hasRootCauseInstanceOf(TimeoutException.class);
        }
        sink.send(event()).toCompletableFuture().join();

        assertThat(healthy.history()).hasSize(1);
        assertThat(created).isEmpty();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!wedged.closed() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(wedged.closed()).isTrue();
        sink.close();
        assertThat(healthy.closed()).isTrue();
    }

    @Test
    void fewerTimeoutsInARowKeepTheProducer() {
        WedgedProducer wedged = new WedgedProducer();
        List<Producer<String, byte[]>> created = new ArrayList<>(List.of(wedged));
        KafkaSink sink = new KafkaSink(() -> created.remove(0), new TopicRouter("outbox.event.${aggregatetype}"),
                "kafka test");
        for (int i = 0; i < KafkaSink.REPLACE_AFTER_TIMEOUTS - 1; i++) {
            catchThrowable(() -> sink.send(event()).toCompletableFuture().join());
        }
        assertThat(wedged.closed()).isFalse();
        assertThat(created).isEmpty(); // no second producer was asked for
    }
}
