package dev.postbox.it.platform.misuse.app;

import dev.postbox.inbox.Idempotent;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class MisusedPayments {

    @Idempotent
    public void pay() {
        // no parameter to hash, no key expression, not a JAX-RS method: no way to derive a key
    }
}
