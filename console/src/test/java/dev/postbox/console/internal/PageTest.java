package dev.postbox.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The page's own rules, read from the files the servlet serves (the browser tests run them in it-tests/demo). */
class PageTest {

    private static String resource(String name) throws IOException {
        try (InputStream in = ConsoleServlet.class.getResourceAsStream("web/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theScriptNeverInsertsMarkupAndThePageRunsNoInlineScript() throws IOException {
        String js = resource("console.js");
        assertThat(js).doesNotContain("innerHTML").doesNotContain("outerHTML").doesNotContain("insertAdjacentHTML")
                .doesNotContain("document.write").doesNotContain("eval(").contains("textContent");
        String html = resource("index.html");
        // the CSP allows only script files of the console itself: an inline script would be refused
        assertThat(html).contains("<script src=\"console.js\"></script>").doesNotContain("onclick=")
                .doesNotContain("<script>");
        assertThat(ConsoleServlet.CSP).contains("script-src 'self'").contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline");
    }
}
