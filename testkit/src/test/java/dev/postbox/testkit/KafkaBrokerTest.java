package dev.postbox.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

    @Test
    void brokerAndControllerListenOnLoopbackOnlyAndClientsStillConnect() throws Exception {
        assumeTrue(ListeningSockets.supported(), "needs Linux's /proc to list the listening sockets");
        List<ListeningSockets.Listener> before = ListeningSockets.ofThisProcess();
        try (KafkaBroker kafka = KafkaBroker.start()) {
            List<ListeningSockets.Listener> opened = ListeningSockets.ofThisProcess().stream()
                    .filter(l -> !before.contains(l)).toList();
            assertThat(opened).as("broker and controller listeners").hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(l -> assertThat(l.loopback()).as(l + " is loopback").isTrue());
            int brokerPort = Integer.parseInt(kafka.bootstrapServers().replaceAll(".*:", ""));
            assertThat(opened).extracting(ListeningSockets.Listener::port).contains(brokerPort);

            Properties p = new Properties();
            p.put("bootstrap.servers", kafka.bootstrapServers());
            try (Admin admin = Admin.create(p)) {
                admin.createTopics(List.of(new NewTopic("loopback-check", 1, (short) 1))).all().get();
                assertThat(admin.listTopics().names().get()).contains("loopback-check");
            }
        }
    }

    @Test
    void theProcFileReaderSeesAWildcardSocketAsNotLoopback() throws Exception {
        assumeTrue(ListeningSockets.supported(), "needs Linux's /proc to list the listening sockets");
        try (java.net.ServerSocket wildcard = new java.net.ServerSocket(0)) {
            assertThat(ListeningSockets.ofThisProcess()).filteredOn(l -> l.port() == wildcard.getLocalPort())
                    .singleElement().satisfies(l -> assertThat(l.loopback()).isFalse());
        }
    }
}
