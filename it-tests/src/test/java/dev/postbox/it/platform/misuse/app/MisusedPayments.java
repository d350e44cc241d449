package dev.postbox.it.platform.misuse.app;

import dev.postbox.it.platform.misuse.lib.NeedsKey;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class MisusedPayments {

    @NeedsKey
    public void pay() {
        // no parameter to take the key from: the deployment must fail
    }
}
