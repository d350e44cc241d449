package dev.postbox.console.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletSecurityElement;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the console registers in a web application (read from system properties: no MicroProfile Config here). */
class ConsoleInitializerTest {

    private final List<String> calls = new ArrayList<>();
    private ServletSecurityElement security;

    @AfterEach
    void clear() {
        System.clearProperty("postbox.console.enabled");
        System.clearProperty("postbox.console.path");
        System.clearProperty("postbox.console.role");
        System.clearProperty("postbox.console.rol");
    }

    private ServletContext context() {
        ServletRegistration.Dynamic registration = (ServletRegistration.Dynamic) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {ServletRegistration.Dynamic.class}, (p, m, args) -> {
                    if (m.getName().equals("setServletSecurity")) {
                        security = (ServletSecurityElement) args[0];
                    }
                    calls.add(m.getName() + (args == null ? "" : " " + List.of(args[0] instanceof String[] a
                            ? String.join(",", a) : String.valueOf(args[0]))));
                    return m.getReturnType() == Set.class ? Set.of() : null;
                });
        return (ServletContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServletContext.class}, (p, m, args) -> {
                    calls.add(m.getName() + (args == null ? "" : " " + (args[0] instanceof String[] a
                            ? String.join(",", a) : String.valueOf(args[0]))));
                    return switch (m.getName()) {
                        case "addServlet" -> registration;
                        case "getContextPath" -> "/app";
                        default -> null;
                    };
                });
    }

    @Test
    void registersOneServletAtThePathWithTheRoleDeclaredAndRequired() throws ServletException {
        System.setProperty("postbox.console.path", "/ops");
        System.setProperty("postbox.console.role", "operators");
        new ConsoleInitializer().onStartup(Set.of(), context());
        assertThat(calls).contains("declareRoles operators", "addServlet postbox-console", "addMapping [/ops,/ops/*]");
        assertThat(security.getRolesAllowed()).containsExactly("operators");
        assertThat(security.getEmptyRoleSemantic()).isEqualTo(jakarta.servlet.annotation.ServletSecurity
                .EmptyRoleSemantic.PERMIT);
    }

    @Test
    void switchedOffItRegistersNothing() throws ServletException {
        System.setProperty("postbox.console.enabled", "false");
        new ConsoleInitializer().onStartup(Set.of(), context());
        assertThat(calls).noneMatch(c -> c.startsWith("addServlet") || c.startsWith("addFilter")
                || c.startsWith("declareRoles"));
    }

    @Test
    void aWrongKeyFailsTheDeploymentNamingIt() {
        System.setProperty("postbox.console.rol", "x");
        assertThatThrownBy(() -> new ConsoleInitializer().onStartup(Set.of(), context()))
                .isInstanceOf(ServletException.class).hasMessageContaining("postbox.console.rol")
                .hasMessageContaining("did you mean postbox.console.role");
    }
}
