package dev.postbox.fault.support;

import dev.postbox.inbox.DuplicateInProgressException;
import dev.postbox.inbox.Steps;
import dev.postbox.inbox.internal.InboxConfig;
import dev.postbox.inbox.internal.InboxRuntime;
import dev.postbox.inbox.internal.JtaTransactions;
import dev.postbox.testkit.jta.LocalJta;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A consumer with three recorded steps as its own process: {@code java ... StepsMain <jdbcUrl> <user> <password>
 * <key> <halt-in-charge|normal>}. Each step logs its call in {@code step_call} on an auto-commit connection (an
 * outside effect: it stays whatever happens to the inbox's transactions). With {@code halt-in-charge} the JVM halts
 * inside the second step, after its outside call, before the step returns: no shutdown hook, nothing more commits.
 */
public final class StepsMain {

    public static final String SCOPE = "transfers";

    /** A short lease, so that the redelivery after a halt does not wait the default five minutes. */
    private static final Map<String, String> CONFIG = Map.of("postbox.inbox.lease", "PT2S");

    private StepsMain() {
    }

    public static void main(String[] args) throws Exception {
        PGSimpleDataSource physical = new PGSimpleDataSource();
        physical.setUrl(args[0]);
        physical.setUser(args[1]);
        physical.setPassword(args[2]);
        String key = args[3];
        boolean halt = "halt-in-charge".equals(args[4]);
        LocalJta jta = new LocalJta(physical);
        try (InboxRuntime runtime = InboxRuntime.builder().dataSource(jta.dataSource())
                .transactions(new JtaTransactions(jta)).config(InboxConfig.from(k -> Optional.ofNullable(
                        CONFIG.get(k)))).build()) {
            Steps steps = runtime.inbox().steps();
            runtime.inbox().register(SCOPE, payload -> {
                String hold = steps.run("reserve", String.class, () -> call(physical, key, "reserve"));
                String charge = steps.run("charge", String.class, () -> {
                    String id = call(physical, key, "charge");
                    if (halt) {
                        System.out.println("halting inside step charge");
                        System.out.flush();
                        Runtime.getRuntime().halt(137);
                    }
                    return id;
                });
                String receipt = steps.run("notify", String.class, () -> call(physical, key, "notify"));
                return hold + " " + charge + " " + receipt;
            });
            // A fresh JVM commits its first delivery's record before the handler runs (the start-up window of
            // postbox.inbox.first-delivery.claim-after-start), so the halted attempt left it IN_PROGRESS under its
            // lease: the sender's redelivery is told to retry later until the lease has expired, as a broker would.
            long giveUp = System.nanoTime() + 60_000_000_000L;
            String result;
            while (true) {
                try {
                    result = runtime.inbox().process(SCOPE, key, "{\"amount\":500}", String.class).value();
                    break;
                } catch (DuplicateInProgressException e) {
                    if (System.nanoTime() > giveUp) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
            System.out.println("result: " + result);
        }
    }

    /** The outside call of a step: logged on its own connection; returns an id that tells the calls apart. */
    private static String call(PGSimpleDataSource physical, String key, String step) throws SQLException {
        try (Connection c = physical.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO step_call (idempotency_key, step, pid) VALUES (?, ?, ?) RETURNING id")) {
            ps.setString(1, key);
            ps.setString(2, step);
            ps.setLong(3, ProcessHandle.current().pid());
            try (var rs = ps.executeQuery()) {
                rs.next();
                return step + "#" + rs.getLong(1);
            }
        }
    }
}
