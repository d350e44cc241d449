package dev.postbox.it.platform.lib;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.Extension;
import java.util.List;

/** Registers the library's beans itself, so that its jar needs no beans.xml (the Postbox module layout). */
public class LibExtension implements Extension {

    void register(@Observes BeforeBeanDiscovery discovery, BeanManager beanManager) {
        for (Class<?> type : List.of(LibGreeter.class, LibTracedInterceptor.class, LibTxWorker.class,
                LibStartup.class)) {
            discovery.addAnnotatedType(beanManager.createAnnotatedType(type), LibExtension.class.getName() + "/"
                    + type.getSimpleName());
        }
    }
}
