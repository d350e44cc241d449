package dev.postbox.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.fault.support.FaultDatabase;
import dev.postbox.fault.support.HaltingConsumerMain;
import dev.postbox.fault.support.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A message whose handler kills the JVM during its first delivery: each delivery runs in a forked JVM that the
 * handler ends with {@code Runtime.halt}, and the "sender" delivers again after every crash, as a broker does.
 * Without a trace of the crashed attempts it would be redelivered forever; the inbox must count them and say DEAD
 * after {@code max-attempts}, and the consumer then moves on to the next message.
 */
class FirstDeliveryCrashTest {

    private static final int MAX_ATTEMPTS = 3;

    /** What a sequence of deliveries of one message did. */
    private record Deliveries(int halted, int inProgress, String finalOutput) {
    }

    @Test
    void aHandlerThatHaltsTheJvmAtOnceAfterARestartEndsDeadAfterMaxAttemptsAndTheConsumerMovesOn() throws Exception {
        FaultDatabase db = FaultDatabase.create("first_crash_window");
        // every delivery is a freshly started JVM, inside its start-up window (the default minute)
        Deliveries d = deliverUntilSettled(db, "poison-1", "{\"halt\":true,\"delayMs\":0}",
                Map.of("postbox.inbox.first-delivery.claim-after-start", "PT1M"), "window");
        assertDeadAfterMaxAttempts(db, "poison-1", d);
        Report.figure("first delivery halting the JVM (start-up window)", d.halted() + " JVMs halted, "
                + d.inProgress() + " deliveries told 'in progress' while the lease ran, then DEAD");
    }

    @Test
    void aSlowHandlerThatHaltsTheJvmEndsDeadAfterMaxAttemptsOutsideTheStartUpWindow() throws Exception {
        FaultDatabase db = FaultDatabase.create("first_crash_slow");
        // no start-up window: the record is committed by the timer because the handler runs past mark-after
        Deliveries d = deliverUntilSettled(db, "poison-2", "{\"halt\":true,\"delayMs\":800}",
                Map.of("postbox.inbox.first-delivery.claim-after-start", "0s",
                        "postbox.inbox.first-delivery.mark-after", "200ms"), "slow");
        assertDeadAfterMaxAttempts(db, "poison-2", d);
        Report.figure("first delivery halting the JVM (slow handler)", d.halted() + " JVMs halted, then DEAD");
    }

    @Test
    void theLimitAFastCrashOutsideTheWindowLeavesNoRecord() throws Exception {
        FaultDatabase db = FaultDatabase.create("first_crash_limit");
        Process p = fork(db, "poison-3", "{\"halt\":true,\"delayMs\":0}",
                Map.of("postbox.inbox.first-delivery.claim-after-start", "0s",
                        "postbox.inbox.first-delivery.mark-after", "10s"), "limit");
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(HaltingConsumerMain.HALTED);
        // documented in inbox/README.md: such a crash is not counted (the next delivery, after a restart, is)
        assertThat(db.count("SELECT count(*) FROM postbox_inbox")).isZero();
    }

    private static void assertDeadAfterMaxAttempts(FaultDatabase db, String key, Deliveries d) {
        assertThat(d.halted()).isEqualTo(MAX_ATTEMPTS);
        assertThat(d.finalOutput()).contains("DEAD").contains("NEXT ok");
        assertThat(db.count("SELECT count(*) FROM postbox_inbox WHERE idempotency_key = '" + key
                + "' AND status = 'DEAD' AND attempts = " + MAX_ATTEMPTS)).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM postbox_inbox WHERE idempotency_key = 'next-" + key
                + "' AND status = 'COMPLETED'")).isEqualTo(1);
        // nothing of the halted attempts committed; the next message's effect did
        assertThat(db.count("SELECT count(*) FROM orders WHERE ref LIKE '%halt%'")).isZero();
        assertThat(db.count("SELECT count(*) FROM orders")).isEqualTo(1);
    }

    /** Delivers the message in a new JVM each time until one does not halt (at most 20 deliveries). */
    private static Deliveries deliverUntilSettled(FaultDatabase db, String key, String payload,
            Map<String, String> config, String name) throws Exception {
        int halted = 0;
        int inProgress = 0;
        for (int delivery = 1; delivery <= 20; delivery++) {
            Process p = fork(db, key, payload, config, name + "-" + delivery);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("delivery " + delivery + " ended").isTrue();
            String output = Files.readString(log(name + "-" + delivery));
            switch (p.exitValue()) {
                case HaltingConsumerMain.HALTED -> halted++;
                case HaltingConsumerMain.IN_PROGRESS -> {
                    inProgress++;
                    Thread.sleep(300); // the crashed attempt's lease has not run out yet: redeliver a bit later
                }
                case 0 -> {
                    return new Deliveries(halted, inProgress, output);
                }
                default -> throw new AssertionError("delivery " + delivery + " exited " + p.exitValue() + ": "
                        + output);
            }
        }
        throw new AssertionError("the message was still being redelivered after 20 deliveries (" + halted
                + " halted the JVM): its crashes are not counted");
    }

    private static Process fork(FaultDatabase db, String key, String payload, Map<String, String> config,
            String name) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(HaltingConsumerMain.class.getName());
        command.add(db.db.jdbcUrl());
        command.add(key);
        command.add(payload);
        command.add("postbox.inbox.scheduler.enabled=false");
        command.add("postbox.inbox.max-attempts=" + MAX_ATTEMPTS);
        command.add("postbox.inbox.lease=PT1S");
        config.forEach((k, v) -> command.add(k + "=" + v));
        Path log = log(name);
        Files.deleteIfExists(log);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    private static Path log(String name) {
        return Report.logDirectory().resolve("first-delivery-crash-" + name + ".log");
    }
}
