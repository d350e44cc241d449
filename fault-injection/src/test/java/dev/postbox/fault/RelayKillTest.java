package dev.postbox.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.fault.support.Await;
import dev.postbox.fault.support.Consumers;
import dev.postbox.fault.support.FaultDatabase;
import dev.postbox.fault.support.ForkedRelay;
import dev.postbox.fault.support.InboxConsumer;
import dev.postbox.fault.support.Producer;
import dev.postbox.fault.support.Relays;
import dev.postbox.fault.support.Report;
import dev.postbox.fault.support.Scale;
import dev.postbox.fault.support.Verdict;
import dev.postbox.inbox.internal.InboxRuntime;
import dev.postbox.testkit.KafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The relay runs in a JVM of its own and is killed with SIGKILL ({@code Process.destroyForcibly()}) in the middle of a
 * batch, several times, while a producer keeps committing. A kill lands "mid-batch": right after the first events of
 * a large transaction reached Kafka. The next relay process resumes from the last offset the killed one flushed.
 *
 * <p>Duplicates are counted and bounded exactly: after kill k, the relay may re-send only events that were already
 * in Kafka but past the position the killed relay had flushed ({@code postbox_relay_offset}, read right after the
 * kill). The producer commits on one thread, so transaction ids follow commit order and "past the flushed position"
 * is {@code xmin >= txId} of the flushed offset (heartbeats are off, so every flushed position is a producer
 * transaction). Topics use broker append time, so each copy of an event is attributed to the relay process that
 * sent it. A trigger on the offset table counts the flushes, for the report.
 */
class RelayKillTest {

    private static final String SCENARIO = "relay kill -9";

    /** One kill: when, what the killed relay had flushed, and the large transaction it was in the middle of. */
    private record Kill(int number, long at, long flushedTxId, long flushedCommitMillis, long flushes,
            List<UUID> burst) {
    }

    @Test
    void relayKilledMidBatchRepeatedlyLosesNothingAndResendsOnlyTheUnflushedWindow() {
        int kills = Scale.pick(3, 10);
        int burstSize = Scale.pick(300, 1000);
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        FaultDatabase db = FaultDatabase.create("kill9");
        String topic = Relays.topic(db, "Order");
        Relays.createTopic(bootstrap, topic, 3, Map.of("message.timestamp.type", "LogAppendTime"));
        // every offset flush the relays commit, with its time, for the report
        db.db.execute("CREATE TABLE fault_flush_log (at timestamptz NOT NULL DEFAULT clock_timestamp(), "
                        + "offset_val text)",
                "CREATE FUNCTION fault_log_flush() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "INSERT INTO fault_flush_log (offset_val) VALUES (NEW.offset_val); RETURN NEW; END $$",
                "CREATE TRIGGER fault_flush AFTER INSERT ON postbox_relay_offset FOR EACH ROW "
                        + "EXECUTE FUNCTION fault_log_flush()");
        Map<String, String> config = new HashMap<>(Relays.config(db, bootstrap));
        config.put("postbox.relay.heartbeat-interval", "0");
        Random random = new Random(7);
        List<Kill> killLog = new ArrayList<>();

        try (InboxRuntime inbox = Consumers.inbox(db, Map.of());
                InboxConsumer consumer = new InboxConsumer(bootstrap, List.of(topic), inbox.inbox(),
                        InboxConsumer.Mode.PROCESS, 4);
                Producer producer = Producer.create(db, "Order", 20, Duration.ofMillis(20))) {
            ForkedRelay relay = ForkedRelay.start(config, db.name() + "-relay-1");
            try {
                Await.until("relay process 1 streaming the slot", () -> Relays.slotActive(db));
                producer.produceContinuously(true);
                for (int k = 1; k <= kills; k++) {
                    long before = consumer.records();
                    Await.until("relay process " + k + " delivering", () -> consumer.records() > before + 20);
                    List<UUID> burst = producer.burst(burstSize);
                    Await.until("the first events of kill " + k + "'s transaction in Kafka",
                            () -> consumer.seenCount(burst) > 0);
                    relay.kill();
                    long at = System.currentTimeMillis();
                    long[] flushed = flushed(db);
                    killLog.add(new Kill(k, at, flushed[0], flushed[1], db.count("SELECT count(*) FROM fault_flush_log"),
                            burst));
                    Await.sleep(random.nextInt(1000)); // down for a while; the producer keeps committing
                    relay = ForkedRelay.start(config, db.name() + "-relay-" + (k + 1));
                    Await.until("relay process " + (k + 1) + " streaming the slot", () -> Relays.slotActive(db));
                }
                long before = consumer.records();
                Await.until("the last relay delivering", () -> consumer.records() > before + 50);
                producer.produceContinuously(false);
                Verdict.awaitDelivered(db, consumer);
                String bound = attributeDuplicates(db, consumer, killLog);
                Verdict.check(SCENARIO, db, consumer, kills + " kills; " + bound);
                relay.stop();
            } finally {
                relay.close();
            }
        }
    }

    /**
     * Attributes each extra copy of an event to the kill that preceded it and asserts that the event was past that
     * kill's flushed position. Returns the figures for the report.
     */
    private static String attributeDuplicates(FaultDatabase db, InboxConsumer consumer, List<Kill> kills) {
        Map<UUID, Long> xmin = db.xmins();
        long[] resent = new long[kills.size() + 1];
        long sameProcess = 0;
        List<String> violations = new ArrayList<>();
        for (Map.Entry<UUID, List<Long>> e : consumer.arrivals().entrySet()) {
            List<Long> copies;
            synchronized (e.getValue()) {
                copies = new ArrayList<>(e.getValue());
            }
            for (int i = 1; i < copies.size(); i++) {
                int previousLife = life(copies.get(i - 1), kills);
                int life = life(copies.get(i), kills);
                if (life == previousLife) {
                    sameProcess++;
                    continue;
                }
                Kill kill = kills.get(life - 2); // life L follows kill L-1
                resent[kill.number()]++;
                if (xmin.get(e.getKey()) < kill.flushedTxId()) {
                    violations.add(e.getKey() + " (xmin " + xmin.get(e.getKey()) + ") re-sent after kill "
                            + kill.number() + " although the flushed offset was at txId " + kill.flushedTxId());
                }
            }
        }
        assertThat(violations).as("events re-sent although the killed relay had flushed past them").isEmpty();

        long boundTotal = 0;
        long resentTotal = 0;
        StringBuilder perKill = new StringBuilder();
        for (Kill kill : kills) {
            long inKafka = 0;
            long window = 0;
            long burstInKafka = 0;
            for (Map.Entry<UUID, List<Long>> e : consumer.arrivals().entrySet()) {
                long first;
                synchronized (e.getValue()) {
                    first = e.getValue().get(0);
                }
                if (first < kill.at()) {
                    inKafka++;
                    if (xmin.get(e.getKey()) >= kill.flushedTxId()) {
                        window++;
                    }
                }
            }
            for (UUID id : kill.burst()) {
                List<Long> copies = consumer.arrivals().get(id);
                synchronized (copies) {
                    if (copies.get(0) < kill.at()) {
                        burstInKafka++;
                    }
                }
            }
            boundTotal += window;
            resentTotal += resent[kill.number()];
            perKill.append(String.format("%n    kill %d: %d events in Kafka, %d of the %d-event transaction; "
                    + "%d offset flushes so far, the last one at a position committed %d ms before the kill; "
                    + "unflushed window %d events; re-sent %d", kill.number(), inKafka, burstInKafka,
                    kill.burst().size(), kill.flushes(), kill.flushedCommitMillis() == 0 ? -1
                            : kill.at() - kill.flushedCommitMillis(), window, resent[kill.number()]));
        }
        assertThat(resentTotal).as("duplicates caused by the kills").isLessThanOrEqualTo(boundTotal);
        Report.figure(SCENARIO, "per kill:" + perKill);
        return "duplicates from kills: " + resentTotal + ", bound (events in Kafka past the flushed offset at each "
                + "kill): " + boundTotal + "; copies sent twice by one process: " + sameProcess;
    }

    /** Which relay process sent a copy appended at {@code at}: 1 + the number of kills before it. */
    private static int life(long at, List<Kill> kills) {
        int life = 1;
        for (Kill k : kills) {
            if (k.at() < at) {
                life++;
            }
        }
        return life;
    }

    private static final Pattern TX_ID = Pattern.compile("\"txId\"\\s*:\\s*(\\d+)");
    private static final Pattern TS_USEC = Pattern.compile("\"ts_usec\"\\s*:\\s*(\\d+)");

    /**
     * The position the relay last flushed to {@code postbox_relay_offset}: its transaction id and that transaction's
     * commit time in epoch milliseconds (both 0 when it never flushed).
     */
    private static long[] flushed(FaultDatabase db) {
        long[] result = {0, 0};
        db.query("SELECT offset_val FROM postbox_relay_offset WHERE offset_key LIKE '[\"" + db.name() + "\",%'",
                rs -> {
                    String offset = String.valueOf(rs.getString(1));
                    Matcher tx = TX_ID.matcher(offset);
                    Matcher ts = TS_USEC.matcher(offset);
                    if (tx.find() && ts.find()) {
                        result[0] = Long.parseLong(tx.group(1));
                        result[1] = Long.parseLong(ts.group(1)) / 1000;
                    }
                });
        return result;
    }
}
