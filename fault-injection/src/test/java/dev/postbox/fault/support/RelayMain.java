package dev.postbox.fault.support;

import dev.postbox.relay.OutboxRelay;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The relay as its own process: {@code java ... RelayMain postbox.relay.key=value ...}. The kill scenario runs it in a
 * forked JVM and ends it with SIGKILL; SIGTERM stops it cleanly (shutdown hook). Prints its status every second.
 */
public final class RelayMain {

    private RelayMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> config = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            config.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        OutboxRelay relay = OutboxRelay.builder().configure(config).build();
        Runtime.getRuntime().addShutdownHook(new Thread(relay::stop, "relay-main-stop"));
        relay.start();
        System.out.println("relay process " + ProcessHandle.current().pid() + " started");
        while (true) {
            Thread.sleep(1000);
            System.out.println(relay.status());
        }
    }
}
