package dev.postbox.inbox.internal.http;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import java.util.EnumSet;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Registers {@link PostboxHttpFilter} on every request of the web application that carries this jar, so the
 * application needs no web.xml entry. Found through META-INF/services/jakarta.servlet.ServletContainerInitializer.
 */
public class PostboxServletContainerInitializer implements ServletContainerInitializer {

    static final String FILTER_NAME = "postbox-inbox-http";

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        FilterRegistration.Dynamic filter = context.addFilter(FILTER_NAME, PostboxHttpFilter.class);
        if (filter == null) {
            return; // already registered (e.g. declared in web.xml)
        }
        filter.setAsyncSupported(true);
        filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
        Logger.getLogger(PostboxServletContainerInitializer.class.getName())
                .fine(() -> "registered " + FILTER_NAME + " on " + context.getContextPath());
    }
}
