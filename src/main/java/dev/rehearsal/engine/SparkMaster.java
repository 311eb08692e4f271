package dev.rehearsal.engine;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * A standalone Spark master as {@code --master} names it: {@code spark://HOST:PORT}, or Spark's form for masters
 * in standby, {@code spark://HOST1:PORT1,HOST2:PORT2}. HOST is a name, an IPv4 address or a bracketed IPv6
 * address; PORT is 1 to 65535; no spaces, user, path, query or fragment. These are the rules Spark applies to
 * each entry ({@code Utils.extractHostPortFromSparkUrl}), checked here where the option enters, so a bad URL is
 * one line before Spark starts instead of a stack trace after.
 *
 * <p>{@link #probe} then checks, before a Spark context exists, that one of the masters resolves and accepts a
 * TCP connection within {@link #PROBE_TIMEOUT}: Spark itself retries an unreachable master for 60 s
 * (3 attempts x 20 s, fixed in {@code StandaloneAppClient}) before it gives up.
 */
public record SparkMaster(String url, List<Address> addresses) {
    /** The longest {@link #probe} takes, name resolution and TCP connections included. */
    public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    private static final String SCHEME = "spark://";
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    /** One master's host (IPv6 in brackets) and port. */
    public record Address(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** The master could not be reached (name, connection or time): what was tried and what happened. */
    public static final class Unreachable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreachable(String message) {
            super(message);
        }
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming what is wrong with it and the expected form
     */
    public static SparkMaster parse(String text) {
        String expected = " (expected spark://host:port, port 1 to 65535; masters in standby as "
                + "spark://host1:port1,host2:port2)";
        if (!text.startsWith(SCHEME)) {
            throw new IllegalArgumentException(text + ": not a standalone master URL" + expected);
        }
        String rest = text.substring(SCHEME.length());
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(text + ": no host and port" + expected);
        }
        if (!rest.chars().allMatch(c -> c > ' ' && c < 127)) {
            throw new IllegalArgumentException(text + ": spaces or control characters in the URL" + expected);
        }
        List<Address> out = new ArrayList<>();
        for (String entry : rest.split(",", -1)) {
            out.add(address(text, entry, expected));
        }
        return new SparkMaster(text, List.copyOf(out));
    }

    private static Address address(String text, String entry, String expected) {
        String where = text + (text.contains(",") ? " (entry '" + entry + "')" : "");
        if (entry.isEmpty()) {
            throw new IllegalArgumentException(where + ": an empty entry" + expected);
        }
        int colon = entry.startsWith("[") ? entry.indexOf(']') + 1 : entry.lastIndexOf(':');
        if (entry.startsWith("[") && colon == 0) {
            throw new IllegalArgumentException(where + ": the IPv6 address has no closing ']'" + expected);
        }
        if (colon == 0) {
            throw new IllegalArgumentException(where + ": no host" + expected);
        }
        if (colon < 0 || colon >= entry.length() || entry.charAt(colon) != ':') {
            throw new IllegalArgumentException(where + ": no port" + expected);
        }
        String host = entry.substring(0, colon);
        String port = entry.substring(colon + 1);
        if (!PORT.matcher(port).matches() || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException(where + ": port '" + port + "' is not a number from 1 to 65535"
                    + expected);
        }
        // What Spark does with each entry: java.net.URI must find this host and port and nothing else.
        try {
            URI uri = new URI(SCHEME + entry);
            if (uri.getHost() == null || uri.getPort() != Integer.parseInt(port) || uri.getUserInfo() != null
                    || (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                throw new IllegalArgumentException(where + ": '" + host + "' is not a host name or address" + expected);
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(where + ": " + e.getReason() + expected, e);
        }
        return new Address(host, Integer.parseInt(port));
    }

    /**
     * Resolves each master's host and opens a TCP connection to its port, all within {@link #PROBE_TIMEOUT};
     * returns as soon as one accepts. Says nothing of whether it is a Spark master (the context's registration
     * does).
     *
     * @throws Unreachable when none accepted in time: for each, what went wrong
     */
    public void probe() throws Unreachable {
        long deadline = System.nanoTime() + PROBE_TIMEOUT.toNanos();
        List<String> why = new ArrayList<>();
        for (Address a : addresses) {
            String bare = a.host().startsWith("[") ? a.host().substring(1, a.host().length() - 1) : a.host();
            InetAddress[] ips;
            try {
                ips = resolve(bare, deadline);
            } catch (UnknownHostException e) {
                why.add(a.host() + " does not resolve to an address");
                continue;
            } catch (TimeoutException e) {
                why.add(a.host() + " did not resolve within " + PROBE_TIMEOUT.toSeconds() + " s");
                continue;
            }
            for (InetAddress ip : ips) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    why.add(a + ": no time left of " + PROBE_TIMEOUT.toSeconds() + " s");
                    break;
                }
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(ip, a.port()), (int) Math.min(left, Integer.MAX_VALUE));
                    return;
                } catch (ConnectException e) {
                    why.add(a + " (" + ip.getHostAddress() + ") refused the connection");
                } catch (SocketTimeoutException e) {
                    why.add(a + " (" + ip.getHostAddress() + ") did not answer within " + PROBE_TIMEOUT.toSeconds()
                            + " s");
                } catch (IOException e) {
                    why.add(a + " (" + ip.getHostAddress() + "): " + e.getMessage());
                }
            }
        }
        throw new Unreachable("no Spark master at " + url + ": " + String.join("; ", why));
    }

    /** The host's addresses; the system resolver has no timeout of its own, so it runs on a daemon thread. */
    private static InetAddress[] resolve(String host, long deadline) throws UnknownHostException, TimeoutException {
        CompletableFuture<InetAddress[]> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(InetAddress.getAllByName(host));
            } catch (UnknownHostException | RuntimeException e) {
                f.completeExceptionally(e);
            }
        }, "rehearsal-resolve-master");
        t.setDaemon(true);
        t.start();
        try {
            return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException u) {
                throw u;
            }
            throw new UnknownHostException(host + ": " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        }
    }

    @Override
    public String toString() {
        return url;
    }
}
