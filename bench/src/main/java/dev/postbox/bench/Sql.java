package dev.postbox.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The shipped migration scripts, read from the module jars on the class path. */
final class Sql {

    private Sql() {
    }

    static String script(String name) {
        try (InputStream in = Sql.class.getClassLoader().getResourceAsStream("db/postbox/" + name)) {
            if (in == null) {
                throw new IllegalStateException("db/postbox/" + name + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
