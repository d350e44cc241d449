package dev.postbox.console.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.UUID;

/**
 * A keyset pagination position: the (time, id) of the last row of a page, opaque to clients (base64url). The next
 * page is {@code where (time, id) < (cursor.time, cursor.id)}, which an index on the time column serves without
 * counting skipped rows, however deep the page.
 */
record Cursor(Instant at, UUID id) {

    String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((at + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @throws ConsoleException 400 when the text is not a cursor this console issued
     */
    static Cursor decode(String text) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text.trim()), StandardCharsets.UTF_8);
            int bar = plain.indexOf('|');
            if (bar < 0) {
                throw new IllegalArgumentException("no separator");
            }
            Instant at = Instant.parse(plain.substring(0, bar));
            if (!Params.inRange(at)) {
                throw new IllegalArgumentException("instant out of range");
            }
            return new Cursor(at, UUID.fromString(plain.substring(bar + 1)));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw ConsoleException.badRequest("malformed cursor: pass the nextCursor of the previous page unchanged, "
                    + "or leave cursor out for the first page");
        }
    }
}
