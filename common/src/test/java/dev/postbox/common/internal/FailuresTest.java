package dev.postbox.common.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void aFailureIsItsClassAndMessage() {
        assertThat(Failures.describe(new IllegalStateException("downstream unavailable (1)")))
                .isEqualTo("java.lang.IllegalStateException: downstream unavailable (1)");
        assertThat(Failures.describe(new IllegalStateException())).isEqualTo("java.lang.IllegalStateException");
    }

    @Test
    void causesFollowAfterArrowsUpToThree() {
        Throwable root = new ConnectException("Connection refused");
        Throwable chain = new ExecutionException("send failed",
                new IOException("HTTP 422", new IllegalStateException("io", new RuntimeException("deeper", root))));

        assertThat(Failures.describe(chain)).isEqualTo("java.util.concurrent.ExecutionException: send failed"
                + " <- java.io.IOException: HTTP 422"
                + " <- java.lang.IllegalStateException: io"
                + " <- java.lang.RuntimeException: deeper");
    }

    @Test
    void theFormatIsTheInboxsFormerOneSoStoredTextsStayComparable() {
        // InboxEngine.describe wrote exactly this before the format moved here
        Throwable failure = new RuntimeException("outer", new IllegalArgumentException("inner"));
        assertThat(Failures.describe(failure))
                .isEqualTo(failure + " <- " + failure.getCause());
    }

    @Test
    void aToStringOverrideIsRespected() {
        Throwable custom = new RuntimeException("ignored") {
            @Override
            public String toString() {
                return "RelaySinkException: consumer rejects this event";
            }
        };
        assertThat(Failures.describe(custom)).isEqualTo("RelaySinkException: consumer rejects this event");
    }

    @Test
    void aCauseCycleEndsTheChain() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(Failures.describe(a)).isEqualTo("java.lang.RuntimeException: a <- java.lang.RuntimeException: b");
    }

    @Test
    void longTextsAreCutToTheColumnSizeWithoutSplittingASurrogatePair() {
        String message = "x".repeat(Failures.MAX_LENGTH);
        String text = Failures.describe(new IllegalStateException(message));
        assertThat(text).hasSize(Failures.MAX_LENGTH).startsWith("java.lang.IllegalStateException: xxx")
                .endsWith("x...");

        // "😀" is two chars; a cut after 7 chars would fall between its halves in the first text, not the second
        assertThat(Failures.shorten("abcdef😀ghij", 10)).isEqualTo("abcdef...");
        assertThat(Failures.shorten("abcde😀fghij", 10)).isEqualTo("abcde😀...");
        assertThat(Failures.shorten("short", 10)).isEqualTo("short");
        assertThat(Failures.shorten(null, 10)).isNull();
        assertThatThrownBy(() -> Failures.shorten("abc", 3)).hasMessageContaining("maxLength");
    }

    @Test
    void noFailureIsNull() {
        assertThat(Failures.describe(null)).isEqualTo("null");
    }
}
