package dev.postbox.relay.internal.sink;

import dev.postbox.relay.RelayEvent;
import dev.postbox.relay.RelaySink;
import dev.postbox.relay.RelaySinkException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes each event as the Outbox Event Router would: topic per aggregate type, key = aggregate id (UTF-8
 * string), value = the payload's JSON (expanded, not an escaped string), headers {@code id}, {@code type} and the
 * row's headers, record timestamp = the row's timestamp.
 *
 * <p>Producer defaults: idempotent, {@code acks=all}, and short timeouts so an outage is noticed within seconds
 * ({@code max.block.ms=5000}, {@code request.timeout.ms=5000}, {@code delivery.timeout.ms=15000}); the relay
 * retries with its own backoff. {@code linger.ms=0}: the relay sends one event per aggregate at a time, so
 * waiting for a fuller batch would only add latency; concurrent aggregates batch by themselves.
 *
 * <p>After {@link #REPLACE_AFTER_TIMEOUTS} timeouts in a row the producer is replaced by a new one. A producer whose
 * I/O thread hit an unexpected error never recovers by itself: seen on Payara Micro, where a class load from
 * WEB-INF/lib failed ("zip file closed") while the server closed the application's jars at the end of its start,
 * and every later send timed out waiting for metadata. During a real outage a new producer costs little: it
 * connects once the broker is back, like the old one would have.
 */
public final class KafkaSink implements RelaySink {

    private static final Logger LOG = Logger.getLogger(KafkaSink.class.getName());
    static final int REPLACE_AFTER_TIMEOUTS = 5;

    private final Supplier<Producer<String, byte[]>> producers;
    private final TopicRouter router;
    private final String description;
    private final AtomicInteger timeoutsInARow = new AtomicInteger();
    private volatile Producer<String, byte[]> producer;

    public KafkaSink(String bootstrapServers, Map<String, String> overrides, TopicRouter router) {
        this(() -> {
            Map<String, Object> props = new HashMap<>(defaults(bootstrapServers));
            props.putAll(overrides);
            return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        }, router, "kafka " + bootstrapServers);
    }

    KafkaSink(Supplier<Producer<String, byte[]>> producers, TopicRouter router, String description) {
        this.producers = producers;
        this.producer = producers.get();
        this.router = router;
        this.description = description;
    }

    static Map<String, Object> defaults(String bootstrapServers) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "postbox-relay");
        return p;
    }

    @Override
    public CompletionStage<Void> send(RelayEvent event) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        byte[] value = event.payload() == null ? null : event.payload().getBytes(StandardCharsets.UTF_8);
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(router.topic(event), null,
                event.timestamp().toEpochMilli(), event.aggregateId(), value, headers(event));
        Producer<String, byte[]> current = producer;
        try {
            current.send(record, (metadata, error) -> {
                if (error == null) {
                    timeoutsInARow.set(0);
                    result.complete(null);
                } else {
                    countTimeout(current, error);
                    result.completeExceptionally(classify(error));
                }
            });
        } catch (RuntimeException e) {
            countTimeout(current, e);
            result.completeExceptionally(classify(e));
        }
        return result;
    }

    /** Replaces {@code failed} after too many timeouts in a row (once, even when several sends report them). */
    private void countTimeout(Producer<String, byte[]> failed, Throwable error) {
        if (!(error instanceof TimeoutException) || timeoutsInARow.incrementAndGet() < REPLACE_AFTER_TIMEOUTS) {
            return;
        }
        synchronized (this) {
            if (producer != failed) {
                return;
            }
            timeoutsInARow.set(0);
            LOG.log(Level.WARNING, "The Kafka producer of " + description + " timed out "
                    + REPLACE_AFTER_TIMEOUTS + " times in a row (last: " + error + "); replacing it with a new one");
            producer = producers.get();
        }
        // not on the producer's own I/O thread, which may be the one calling back here
        Thread closer = new Thread(() -> failed.close(Duration.ZERO), "postbox-relay-producer-close");
        closer.setDaemon(true);
        closer.start();
    }

    static List<Header> headers(RelayEvent event) {
        List<Header> headers = new ArrayList<>();
        headerValues(event).forEach((name, value) ->
                headers.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8))));
        return headers;
    }

    /**
     * The record's headers in order, each sent as the UTF-8 bytes of its value: {@code id}, {@code type}, then the
     * row's headers in their order (an {@code id} or {@code type} among them is left out). The Kafka Connect plugin
     * ({@code postbox-connect}) sets the same headers from this method.
     */
    public static Map<String, String> headerValues(RelayEvent event) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("id", event.id().toString());
        headers.put("type", event.type());
        event.headers().forEach((name, value) -> {
            if (!name.equals("id") && !name.equals("type")) {
                headers.put(name, value);
            }
        });
        return headers;
    }

    /** Errors that concern the record itself can never succeed: park at once. Everything else is retried. */
    static RelaySinkException classify(Throwable error) {
        boolean permanent = error instanceof RecordTooLargeException || error instanceof RecordBatchTooLargeException
                || error instanceof InvalidTopicException || error instanceof SerializationException;
        return new RelaySinkException("Kafka did not accept the record: " + error, error, permanent);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public synchronized void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
