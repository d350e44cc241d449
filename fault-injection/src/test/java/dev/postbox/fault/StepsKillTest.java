package dev.postbox.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postbox.fault.support.FaultDatabase;
import dev.postbox.fault.support.Report;
import dev.postbox.fault.support.StepsMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Recorded steps ({@code dev.postbox.inbox.Steps}) across a JVM killed inside a step: the sender's redelivery, in a
 * new JVM, resumes after the last completed step instead of running the whole handler again.
 */
class StepsKillTest {

    @Test
    void aJvmHaltedDuringTheSecondStepResumesWithoutRerunningTheFirst() throws Exception {
        FaultDatabase db = FaultDatabase.create("steps_kill");
        db.db.execute("CREATE TABLE step_call (id bigserial PRIMARY KEY, idempotency_key varchar(512), "
                + "step varchar(64), pid bigint)");

        Run killed = fork(db, "halt-in-charge", "steps-kill-1");
        assertThat(killed.exitCode()).as("the first JVM halts inside step 2: %s", killed.output()).isEqualTo(137);
        assertThat(killed.output()).contains("halting inside step charge").doesNotContain("result:");
        assertThat(calls(db, "reserve")).isEqualTo(1);
        assertThat(calls(db, "charge")).isEqualTo(1);
        // step 1's result is committed; step 2 never returned, so nothing of it is stored
        assertThat(db.count("SELECT count(*) FROM postbox_inbox_step WHERE status = 'COMPLETED'")).isEqualTo(1);

        Run redelivered = fork(db, "normal", "steps-kill-2");
        assertThat(redelivered.exitCode()).as("the redelivery: %s", redelivered.output()).isZero();
        // step 1 ran once in all and its stored result was reused; step 2 ran again (it had not returned: the
        // documented limit), step 3 once
        assertThat(calls(db, "reserve")).isEqualTo(1);
        assertThat(calls(db, "charge")).isEqualTo(2);
        assertThat(calls(db, "notify")).isEqualTo(1);
        long reserveId = db.count("SELECT id FROM step_call WHERE step = 'reserve'");
        long secondCharge = db.count("SELECT max(id) FROM step_call WHERE step = 'charge'");
        long notifyId = db.count("SELECT id FROM step_call WHERE step = 'notify'");
        assertThat(redelivered.output()).contains("result: reserve#" + reserveId + " charge#" + secondCharge
                + " notify#" + notifyId);
        assertThat(db.count("SELECT count(*) FROM postbox_inbox WHERE scope = '" + StepsMain.SCOPE
                + "' AND status = 'COMPLETED'")).isEqualTo(1);
        // the halted attempt counted (the record was committed before the handler ran, see StepsMain)
        assertThat(db.count("SELECT attempts FROM postbox_inbox WHERE scope = '" + StepsMain.SCOPE + "'"))
                .isEqualTo(2);
        assertThat(db.count("SELECT count(*) FROM postbox_inbox_step WHERE status = 'COMPLETED'")).isEqualTo(3);
        Report.figure("steps across a JVM halted in step 2", "step 1 called " + calls(db, "reserve")
                + "x, step 2 " + calls(db, "charge") + "x (halted once inside it), step 3 " + calls(db, "notify")
                + "x; record COMPLETED after the redelivery");
    }

    private static long calls(FaultDatabase db, String step) {
        return db.count("SELECT count(*) FROM step_call WHERE step = '" + step + "'");
    }

    private record Run(int exitCode, String output) {
    }

    private static Run fork(FaultDatabase db, String mode, String logName) throws IOException, InterruptedException {
        Path log = Report.logDirectory().resolve(logName + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StepsMain.class.getName());
        command.add(db.db.jdbcUrl());
        command.add(db.db.user());
        command.add(db.db.password());
        command.add("tr-1");
        command.add(mode);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the forked consumer did not end within 120 s; see " + log);
        }
        return new Run(p.exitValue(), Files.readString(log));
    }
}
