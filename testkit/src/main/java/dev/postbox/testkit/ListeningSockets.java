package dev.postbox.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The TCP sockets a process listens on, read from Linux's {@code /proc} (the process's socket inodes in
 * {@code /proc/<pid>/fd}, matched with {@code /proc/net/tcp} and {@code tcp6}): lets a test check that what it
 * started listens on loopback only. {@link #supported()} is false elsewhere.
 */
public final class ListeningSockets {

    /** One listening socket: its local address as {@code /proc} shows it, and the port. */
    public record Listener(String address, int port, boolean loopback) {
        @Override
        public String toString() {
            return address + ":" + port;
        }
    }

    private ListeningSockets() {
    }

    public static boolean supported() {
        return Files.isReadable(Path.of("/proc/net/tcp")) && Files.isDirectory(Path.of("/proc/self/fd"));
    }

    /** The listening TCP sockets of this JVM. */
    public static List<Listener> ofThisProcess() {
        return of(ProcessHandle.current().pid());
    }

    /** The listening TCP sockets of process {@code pid} (same user, or root). */
    public static List<Listener> of(long pid) {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the sockets of process " + pid, e);
        }
        List<Listener> listeners = new ArrayList<>();
        read(Path.of("/proc/net/tcp"), inodes, listeners);
        read(Path.of("/proc/net/tcp6"), inodes, listeners);
        return listeners;
    }

    /** Every listening TCP socket on {@code port}, of any process (e.g. a database server started by a tool). */
    public static List<Listener> onPort(int port) {
        List<Listener> listeners = new ArrayList<>();
        read(Path.of("/proc/net/tcp"), null, listeners);
        read(Path.of("/proc/net/tcp6"), null, listeners);
        return listeners.stream().filter(l -> l.port() == port).toList();
    }

    /** {@code inodes} null: every listening socket. */
    private static void read(Path table, Set<String> inodes, List<Listener> into) {
        if (!Files.isReadable(table)) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(table);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                if (f.length > 9 && f[3].equals("0A") && (inodes == null || inodes.contains(f[9]))) {
                    String[] local = f[1].split(":");
                    into.add(new Listener(local[0], Integer.parseInt(local[1], 16), isLoopback(local[0])));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + table, e);
        }
    }

    /** 127.x.x.x (IPv4, little-endian hex), ::1, or 127.x.x.x mapped into IPv6. */
    private static boolean isLoopback(String hex) {
        if (hex.length() == 8) {
            return hex.endsWith("7F");
        }
        return hex.equals("00000000000000000000000001000000")
                || (hex.startsWith("0000000000000000FFFF0000") && hex.endsWith("7F"));
    }
}
