package dev.postbox.console.internal;

/** A request the console refuses, with the HTTP status and a message naming what was wrong and how to fix it. */
final class ConsoleException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    ConsoleException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static ConsoleException badRequest(String message) {
        return new ConsoleException(400, message);
    }

    static ConsoleException notFound(String message) {
        return new ConsoleException(404, message);
    }

    static ConsoleException conflict(String message) {
        return new ConsoleException(409, message);
    }

    int status() {
        return status;
    }
}
