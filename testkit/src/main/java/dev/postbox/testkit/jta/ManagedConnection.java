package dev.postbox.testkit.jta;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The handle a server's pool gives application code for a connection enlisted in a JTA transaction: closing it
 * does nothing (the transaction owns the connection), and {@code commit}, {@code rollback} and
 * {@code setAutoCommit(true)} are refused, since only the transaction manager ends the transaction.
 */
public final class ManagedConnection {

    private ManagedConnection() {
    }

    /** A handle on {@code target}, the transaction's connection. */
    public static Connection handle(Connection target) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close":
                            return null; // the transaction owns it
                        case "commit":
                        case "rollback":
                        case "setAutoCommit":
                            if (method.getName().equals("setAutoCommit") && Boolean.FALSE.equals(args[0])) {
                                return null;
                            }
                            throw new SQLException(method.getName() + " is not allowed on a JTA-managed connection");
                        case "isClosed":
                            return target.isClosed();
                        case "unwrap":
                            return ((Class<?>) args[0]).isInstance(proxy) ? proxy : target.unwrap((Class<?>) args[0]);
                        default:
                            try {
                                return method.invoke(target, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                    }
                });
    }
}
