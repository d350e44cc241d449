package dev.postbox.inbox.internal.cdi;

import dev.postbox.inbox.internal.InboxConfig;
import dev.postbox.inbox.internal.Transactions;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;

/**
 * Where the inbox gets its data source, transactions and scheduler threads. In an application server the
 * default (JNDI data source, {@code @Transactional(REQUIRES_NEW)}, the default managed scheduled executor) is
 * used; an application or a test may provide a bean of this type instead (e.g. Java SE with a local JTA).
 */
public interface InboxEnvironment {

    /** A JTA data source: inside a transaction it hands out that transaction's connection. */
    DataSource dataSource(InboxConfig config);

    Transactions transactions();

    /** Threads for the scheduler; null for a thread of the inbox's own. */
    ScheduledExecutorService scheduledExecutor();
}
