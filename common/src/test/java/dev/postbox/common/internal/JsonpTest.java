package dev.postbox.common.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import org.junit.jupiter.api.Test;

class JsonpTest {

    @Test
    void theProviderIsLookedUpOnceAndWorks() {
        assertThat(Jsonp.provider()).isSameAs(Jsonp.provider());
        String json = Jsonp.provider().createObjectBuilder().add("n", 42).build().toString();
        assertThat(json).isEqualTo("{\"n\":42}");
        assertThat(Jsonp.provider().createReader(new StringReader(json)).readObject().getInt("n")).isEqualTo(42);
    }
}
