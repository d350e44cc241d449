package dev.postbox.it.platform.app;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.inject.Inject;
import jakarta.persistence.PostLoad;
import jakarta.persistence.PostUpdate;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Fires during Hibernate's flush; when that flush is the one at commit, it runs inside beforeCompletion. */
public class AccountListener {

    /** Stays null on Payara: the server passes no BeanManager to a Hibernate packaged in the WAR (HHH10005002). */
    @Inject
    ProbeRecorder recorder;

    @PostLoad
    void loaded(Account account) {
        TransactionSynchronizationRegistry tsr = Jndi.lookup("java:comp/TransactionSynchronizationRegistry");
        if (String.valueOf(tsr.getResource("mode")).contains("postload-held")) {
            tsr.registerInterposedSynchronization(new EarlySync(account.getId(), true));
            Trace.add("listener:postLoad registered early sync holding a connection");
        }
    }

    @PostUpdate
    void updated(Account account) {
        TransactionSynchronizationRegistry tsr = Jndi.lookup("java:comp/TransactionSynchronizationRegistry");
        Trace.add("listener:postUpdate injected=" + (recorder != null)
                + " cdiCurrent=" + CDI.current().select(ProbeRecorder.class).get().name()
                + " status=" + tsr.getTransactionStatus());
        Trace.add("listener:callers=" + callers());
        OutboxSync.record(account.getId());
    }

    /** Who called the flush: JTA synchronization and commit frames only. */
    private static String callers() {
        return Arrays.stream(Thread.currentThread().getStackTrace())
                .filter(f -> f.getMethodName().equals("beforeCompletion") || f.getMethodName().equals("commit"))
                .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "." + f.getMethodName())
                .collect(Collectors.joining(" < "));
    }
}
