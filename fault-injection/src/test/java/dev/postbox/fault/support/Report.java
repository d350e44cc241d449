package dev.postbox.fault.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The figures of a run: printed (surefire keeps them in target/surefire-reports/*-output.txt) and appended to
 * {@code target/fault-report/figures.txt}, one line per figure, so the README's table can be refreshed from it.
 */
public final class Report {

    private Report() {
    }

    public static synchronized void figure(String scenario, String text) {
        String line = "[" + scenario + "] " + text;
        System.out.println(line);
        String dir = System.getProperty("fault.reportDir");
        if (dir == null) {
            return;
        }
        try {
            Path file = Path.of(dir, "figures.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, Instant.now() + " scale=" + Scale.name() + " " + line + System.lineSeparator(),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path logDirectory() {
        String dir = System.getProperty("fault.reportDir", System.getProperty("java.io.tmpdir"));
        try {
            return Files.createDirectories(Path.of(dir, "logs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
