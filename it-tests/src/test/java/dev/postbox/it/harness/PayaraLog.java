package dev.postbox.it.harness;

import java.util.ArrayList;
import java.util.List;

/** Reads Payara Micro's console format: {@code [time] [] [LEVEL] [id] [logger] ... [levelValue: n] message}. */
final class PayaraLog {

    private static final String SEVERE = "[levelValue: 1000]";

    private PayaraLog() {
    }

    /**
     * The messages of the SEVERE records in {@code output}, without stack frames, at most {@code limit} characters.
     * A record's message is the rest of its first line, or the lines between {@code [[} and {@code ]]}.
     */
    static String severeRecords(String output, int limit) {
        List<String> records = new ArrayList<>();
        String[] lines = stripAnsi(output).split("\n");
        for (int i = 0; i < lines.length; i++) {
            int at = lines[i].indexOf(SEVERE);
            if (at < 0) {
                continue;
            }
            String first = lines[i].substring(at + SEVERE.length()).trim();
            if (!first.equals("[[")) {
                records.add(first);
                continue;
            }
            StringBuilder message = new StringBuilder();
            for (i++; i < lines.length && !lines[i].startsWith("]]"); i++) {
                String line = lines[i];
                if (!line.startsWith("\tat ") && !line.startsWith("\t... ")) {
                    message.append(line.strip()).append('\n');
                }
            }
            records.add(message.toString().strip());
        }
        String joined = records.isEmpty() ? "(no SEVERE record in the server output)" : String.join("\n", records);
        return joined.length() <= limit ? joined : joined.substring(0, limit) + "\n...";
    }

    static String stripAnsi(String text) {
        return text.replaceAll("\u001B\\[[0-9;]*m", "");
    }
}
