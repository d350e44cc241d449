package dev.postbox.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;
import org.jboss.arquillian.container.spi.event.container.BeforeStart;
import org.jboss.arquillian.core.api.annotation.Observes;

/**
 * Lets WildFly's Elytron use the authentication mechanism and identity store an application defines with Jakarta
 * Security ({@code @BasicAuthenticationMechanismDefinition}, an {@code IdentityStore} bean), as {@code ConsoleIT}
 * and {@code CallerKeysIT} do: WildFly does so only when the web application's security domain has
 * {@code integrated-jaspi="false"}. Written into the unpacked server's {@code standalone-microprofile.xml} before
 * Arquillian starts it (the same edit as {@code /subsystem=undertow/application-security-domain=other:
 * write-attribute(name=integrated-jaspi,value=false)} in the CLI); done once, recognised on later runs.
 */
public class WildFlySecurityDomain {

    private static final Logger LOG = Logger.getLogger(WildFlySecurityDomain.class.getName());
    static final String DEFAULT = "<application-security-domain name=\"other\" security-domain=\"ApplicationDomain\"/>";
    static final String APPLICATION_DEFINED = "<application-security-domain name=\"other\" "
            + "security-domain=\"ApplicationDomain\" integrated-jaspi=\"false\"/>";

    public void beforeStart(@Observes BeforeStart event) {
        String home = System.getProperty("wildfly.home");
        if (home == null) {
            throw new IllegalStateException("system property wildfly.home is not set: run the tests through Maven");
        }
        Path config = Path.of(home, "standalone", "configuration", "standalone-microprofile.xml");
        try {
            String xml = Files.readString(config, StandardCharsets.UTF_8);
            if (xml.contains(APPLICATION_DEFINED)) {
                return;
            }
            if (!xml.contains(DEFAULT)) {
                throw new IllegalStateException(config + " has no " + DEFAULT + ": WildFly's default configuration"
                        + " changed; update " + WildFlySecurityDomain.class.getSimpleName());
            }
            Files.writeString(config, xml.replace(DEFAULT, APPLICATION_DEFINED), StandardCharsets.UTF_8);
            LOG.info(() -> "WildFly: integrated-jaspi=false on the application security domain 'other' in " + config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot edit " + config, e);
        }
    }
}
