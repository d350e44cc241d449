package dev.postbox.console.internal;

import dev.postbox.common.PostboxConfigurationException;
import dev.postbox.common.internal.config.ConfigSource;
import dev.postbox.common.internal.config.MicroProfileConfigSource;
import jakarta.servlet.HttpConstraintElement;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletSecurityElement;
import jakarta.servlet.annotation.ServletSecurity;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Registers the console in the web application that carries this jar (a standard
 * {@link ServletContainerInitializer}, found through {@code META-INF/services}): one servlet at
 * {@code postbox.console.path}, its role declared and required by a security constraint, so the application's own
 * login configuration (BASIC, FORM, Jakarta Security, a realm) authenticates console users. With
 * {@code postbox.console.enabled=false} nothing is registered. A wrong key fails the deployment, naming the key.
 */
public final class ConsoleInitializer implements ServletContainerInitializer {

    private static final Logger LOG = Logger.getLogger(ConsoleInitializer.class.getName());
    static final String SERVLET_NAME = "postbox-console";

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) throws ServletException {
        ConsoleConfig config;
        try {
            config = ConsoleConfig.from(source());
        } catch (PostboxConfigurationException e) {
            throw new ServletException(e.getMessage(), e);
        }
        if (!config.enabled()) {
            LOG.info("Postbox console disabled (postbox.console.enabled=false): nothing registered");
            return;
        }
        context.declareRoles(config.role());
        ServletRegistration.Dynamic servlet = context.addServlet(SERVLET_NAME, new ConsoleServlet(config));
        if (servlet == null) {
            throw new ServletException("a servlet named " + SERVLET_NAME + " is already registered: the Postbox console"
                    + " jar is in the application twice, or another servlet took its name");
        }
        servlet.addMapping(config.path(), config.path() + "/*");
        servlet.setServletSecurity(new ServletSecurityElement(new HttpConstraintElement(
                ServletSecurity.TransportGuarantee.NONE, config.role())));
        LOG.info("Postbox console at " + context.getContextPath() + config.path() + "/ (role " + config.role() + ")");
    }

    private static ConfigSource source() {
        try {
            return MicroProfileConfigSource.current();
        } catch (NoClassDefFoundError | IllegalStateException e) {
            return ConfigSource.of("system properties", name -> java.util.Optional.ofNullable(
                    System.getProperty(name)), () -> System.getProperties().stringPropertyNames());
        }
    }
}
