package dev.postbox.fault.support;

import dev.postbox.inbox.DuplicateInProgressException;
import dev.postbox.inbox.ProcessingDeadException;
import dev.postbox.inbox.internal.InboxConfig;
import dev.postbox.inbox.internal.InboxRuntime;
import dev.postbox.inbox.internal.JtaTransactions;
import dev.postbox.testkit.jta.LocalJta;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A consumer in a JVM of its own that receives one delivery of a message and hands it to the inbox:
 * {@code java ... HaltingConsumerMain <jdbcUrl> <key> <payload> postbox.inbox.key=value ...}. The handler halts
 * the JVM ({@code Runtime.halt}: no shutdown hook, no rollback sent, the connection cut by the kernel) when the
 * payload says {@code "halt"}, after {@code "delayMs"} milliseconds. When the inbox says the message is DEAD, the
 * consumer moves on to the next message ({@code next-<key>}, which it processes normally).
 *
 * <p>Exit codes: {@value #HALTED} the handler halted the JVM; 0 processed (prints {@code COMPLETED}) or dead and
 * moved on (prints {@code DEAD} and {@code NEXT <result>}); {@value #IN_PROGRESS} the inbox answered "in progress".
 */
public final class HaltingConsumerMain {

    public static final int HALTED = 77;
    public static final int IN_PROGRESS = 3;
    public static final String SCOPE = "halting-consumer";

    private HaltingConsumerMain() {
    }

    public static void main(String[] args) throws Exception {
        PGSimpleDataSource physical = new PGSimpleDataSource();
        physical.setURL(args[0]);
        physical.setUser(dev.postbox.testkit.PostgresServer.USER);
        physical.setPassword(dev.postbox.testkit.PostgresServer.PASSWORD);
        String key = args[1];
        String payload = args[2];
        Map<String, String> config = new LinkedHashMap<>();
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            config.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        LocalJta jta = new LocalJta(physical);
        InboxRuntime runtime = InboxRuntime.builder().dataSource(jta.dataSource())
                .transactions(new JtaTransactions(jta))
                .config(InboxConfig.from(k -> Optional.ofNullable(config.get(k)))).build();
        runtime.inbox().register(SCOPE, json -> {
            if (json.contains("\"halt\"")) {
                long delay = Long.parseLong(json.replaceAll(".*\"delayMs\":(\\d+).*", "$1"));
                Thread.sleep(delay);
                System.out.println("HALTING " + ProcessHandle.current().pid());
                System.out.flush();
                Runtime.getRuntime().halt(HALTED);
            }
            try (var c = jta.dataSource().getConnection();
                    var ps = c.prepareStatement("INSERT INTO orders (ref) VALUES (?)")) {
                ps.setString(1, json);
                ps.executeUpdate();
            }
            return "ok";
        });
        try {
            System.out.println("COMPLETED " + runtime.inbox().process(SCOPE, key, payload, String.class).value());
        } catch (ProcessingDeadException e) {
            System.out.println("DEAD " + e.getMessage());
            String next = runtime.inbox().process(SCOPE, "next-" + key, "{\"n\":2}", String.class).value();
            System.out.println("NEXT " + next);
        } catch (DuplicateInProgressException e) {
            System.out.println("IN_PROGRESS " + e.getMessage());
            System.exit(IN_PROGRESS);
        }
        System.exit(0);
    }
}
