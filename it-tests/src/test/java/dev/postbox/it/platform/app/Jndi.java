package dev.postbox.it.platform.app;

import javax.naming.InitialContext;
import javax.naming.NamingException;

final class Jndi {

    private Jndi() {
    }

    @SuppressWarnings("unchecked")
    static <T> T lookup(String name) {
        try {
            return (T) new InitialContext().lookup(name);
        } catch (NamingException e) {
            throw new IllegalStateException("JNDI lookup of " + name + " failed", e);
        }
    }
}
