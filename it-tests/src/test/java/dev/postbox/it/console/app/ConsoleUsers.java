package dev.postbox.it.console.app;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.authentication.mechanism.http.BasicAuthenticationMechanismDefinition;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.util.Map;
import java.util.Set;

/**
 * The test application's users, the portable Jakarta Security way (no server realm): BASIC login and an identity
 * store in the application. {@code operator} is in the group {@code postbox-admin} (mapped to the console's role
 * in {@code payara-web.xml}), {@code clerk} only in {@code clerks}.
 */
@ApplicationScoped
@BasicAuthenticationMechanismDefinition(realmName = "console-it")
public class ConsoleUsers implements IdentityStore {

    public static final String ADMIN = "operator";
    public static final String ADMIN_PASSWORD = "operator-pw";
    public static final String OTHER = "clerk";
    public static final String OTHER_PASSWORD = "clerk-pw";

    private static final Map<String, String> PASSWORDS = Map.of(ADMIN, ADMIN_PASSWORD, OTHER, OTHER_PASSWORD);
    private static final Map<String, Set<String>> GROUPS = Map.of(ADMIN, Set.of("postbox-admin"), OTHER,
            Set.of("clerks"));

    @Override
    public CredentialValidationResult validate(Credential credential) {
        if (credential instanceof UsernamePasswordCredential c && c.getPasswordAsString() != null
                && c.getPasswordAsString().equals(PASSWORDS.get(c.getCaller()))) {
            return new CredentialValidationResult(c.getCaller(), GROUPS.get(c.getCaller()));
        }
        return CredentialValidationResult.INVALID_RESULT;
    }
}
