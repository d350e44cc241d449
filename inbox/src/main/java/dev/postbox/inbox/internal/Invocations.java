package dev.postbox.inbox.internal;

import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.Callable;

/** Calls code that throws checked exceptions from APIs that do not declare them. */
final class Invocations {

    private Invocations() {
    }

    static <T> T call(Callable<T> work) {
        try {
            return work.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new UndeclaredThrowableException(e, "inbox handler failed: " + e);
        }
    }
}
