package dev.postbox.it.harness;

import fish.payara.arquillian.container.payara.managed.PayaraMicroDeployableContainer;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.spi.client.protocol.metadata.HTTPContext;
import org.jboss.arquillian.container.spi.client.protocol.metadata.ProtocolMetaData;
import org.jboss.arquillian.container.spi.client.protocol.metadata.Servlet;
import org.jboss.shrinkwrap.api.Archive;

/**
 * arquillian-payara-micro-managed 3.1 with three gaps closed.
 *
 * <ul>
 * <li>A WAR that fails to deploy (CDI definition error, bad web.xml, ...) still boots Payara Micro with an empty
 * "Deployed" list, and the adapter reports success: tests then fail with 404s. Here the deployment fails with a
 * {@link DeploymentException} whose message carries the server's SEVERE log records, and the process is stopped.
 * <li>The adapter starts one Payara Micro process per deployment but remembers only the last one, so with two
 * deployments in a test class (or a failed one) a process outlives the tests. Here each deployment's process is
 * stopped on its own undeploy, and waited for, so the next start does not compete with a shutting-down server.
 * <li>The harness binds Payara Micro's HTTP listener to 127.0.0.1 (pre-boot command file, {@code payara-preboot.txt}),
 * but the adapter builds the tests' base URL from the "Host" of Payara's instance configuration, the machine's name
 * or address, where nothing listens then (every request: ConnectException). Here the URL's host is 127.0.0.1.
 * </ul>
 */
public class CheckedPayaraMicroContainer extends PayaraMicroDeployableContainer {

    private static final Logger LOG = Logger.getLogger(CheckedPayaraMicroContainer.class.getName());
    private static final int MESSAGE_LIMIT = 8_000;
    private static final String LOOPBACK = "127.0.0.1";

    private final Map<String, Process> processes = new ConcurrentHashMap<>();

    @Override
    public ProtocolMetaData deploy(Archive<?> archive) throws DeploymentException {
        ConsoleCapture console = ConsoleCapture.install();
        console.start();
        long started = System.nanoTime();
        ProtocolMetaData metaData = null;
        String output;
        DeploymentException failure = null;
        try {
            metaData = super.deploy(archive);
        } catch (DeploymentException e) { // e.g. "No applications were found deployed": the reason is in the log
            failure = e;
        } finally {
            output = console.stop();
            Process process = currentProcess();
            if (process != null && !processes.containsValue(process)) {
                processes.put(archive.getName(), process);
            }
            if (!hasServlets(metaData)) { // also when super.deploy threw (timeout): stop what it started
                stop(archive);
            }
        }
        if (!hasServlets(metaData)) {
            throw new DeploymentException("Payara Micro did not deploy " + archive.getName() + ":\n"
                    + PayaraLog.severeRecords(output, MESSAGE_LIMIT), failure);
        }
        LOG.info(() -> "Payara Micro started with " + archive.getName() + " in "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
        return onLoopback(metaData);
    }

    /** The same contexts and servlets, on 127.0.0.1, where the pre-boot command file binds the HTTP listener. */
    private static ProtocolMetaData onLoopback(ProtocolMetaData metaData) {
        ProtocolMetaData loopback = new ProtocolMetaData();
        for (HTTPContext context : metaData.getContexts(HTTPContext.class)) {
            HTTPContext local = new HTTPContext(LOOPBACK, context.getPort());
            context.getServlets().forEach(servlet -> local.add(new Servlet(servlet.getName(),
                    servlet.getContextRoot())));
            loopback.addContext(local);
        }
        return loopback;
    }

    @Override
    public void undeploy(Archive<?> archive) throws DeploymentException {
        stop(archive);
    }

    private void stop(Archive<?> archive) throws DeploymentException {
        Process process = processes.remove(archive.getName());
        if (process == null) {
            return;
        }
        if (process == currentProcess()) {
            super.undeploy(archive); // also removes the adapter's shutdown hook
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                LOG.warning(() -> "Payara Micro (pid " + process.pid() + ") did not stop in 30 s; killing it");
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static boolean hasServlets(ProtocolMetaData metaData) {
        return metaData != null && metaData.getContexts(HTTPContext.class).stream()
                .anyMatch(context -> !context.getServlets().isEmpty());
    }

    /** The adapter keeps the process of the last deployment in a private field. */
    private Process currentProcess() {
        try {
            Field field = PayaraMicroDeployableContainer.class.getDeclaredField("payaraMicroProcess");
            field.setAccessible(true);
            return (Process) field.get(this);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("arquillian-payara-micro-managed changed: no field payaraMicroProcess"
                    + " in PayaraMicroDeployableContainer; update CheckedPayaraMicroContainer", e);
        }
    }
}
