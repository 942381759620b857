package org.careflow.query;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The connections one instance keeps to the other instances of its app, for forwarded queries: plain blocking HTTP/1.1
 * over kept-alive sockets (TLS when the app serves HTTPS, with the host name checked as any HTTPS client does), pooled
 * per instance. A forwarded query is one small GET and one small answer, so the asking thread writes the request and
 * reads the answer itself: a general-purpose asynchronous client hands each exchange between three threads, which cost
 * more than the exchange on a loaded machine. Every exchange is bounded by its timeout; a pooled connection the other
 * side has closed meanwhile is replaced once, transparently (GET is idempotent).
 */
public final class InstanceHttpClient implements AutoCloseable {

    /** Pooled connections kept per instance; more are opened when needed and closed on return. */
    static final int MAX_IDLE_PER_INSTANCE = 64;
    /** Idle connections older than this are not reused: the server closes idle connections after 30 s by default. */
    static final Duration MAX_IDLE = Duration.ofSeconds(15);
    /** The largest answer accepted (a gathered list can be long, but not unbounded). */
    static final int MAX_BODY_BYTES = 32 * 1024 * 1024;
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private final SSLSocketFactory tls;
    private final int connectTimeoutMs;
    private final Map<HostInfo, BlockingDeque<Connection>> idle = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private InstanceHttpClient(SSLSocketFactory tls, Duration connectTimeout) {
        this.tls = tls;
        this.connectTimeoutMs = Math.toIntExact(Objects.requireNonNull(connectTimeout, "connectTimeout").toMillis());
    }

    /** A client to instances serving plain HTTP. */
    public static InstanceHttpClient plain(Duration connectTimeout) {
        return new InstanceHttpClient(null, connectTimeout);
    }

    /** A client to instances serving HTTPS, trusting what {@code sslContext} trusts. */
    public static InstanceHttpClient tls(Duration connectTimeout, SSLContext sslContext) {
        return new InstanceHttpClient(Objects.requireNonNull(sslContext, "sslContext").getSocketFactory(), connectTimeout);
    }

    /** Whether it speaks HTTPS. */
    public boolean secure() {
        return tls != null;
    }

    /** An answer: its status, its headers (first value of each, by lower-case name) and its body. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {

        public Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }
    }

    /**
     * Sends {@code GET pathAndQuery} with {@code headers} (name, value pairs) to {@code host} and reads its answer, all
     * within {@code timeout}; an I/O failure or timeout throws.
     */
    public Answer get(HostInfo host, String pathAndQuery, List<String> headers, Duration timeout) throws IOException {
        if (closed) {
            throw new IOException("The instance client is closed");
        }
        byte[] request = request(host, pathAndQuery, headers);
        long deadline = System.nanoTime() + timeout.toNanos();
        Connection pooled = checkOut(host);
        if (pooled != null) {
            try {
                return exchange(host, pooled, true, request, deadline);
            } catch (StaleConnectionException e) {
                // The other side closed the kept-alive connection before reading this request: once more on a new one.
            }
        }
        return exchange(host, open(host, deadline), false, request, deadline);
    }

    /** One request and its answer; on a {@code pooled} connection, a failure before the answer begins means it was stale. */
    private Answer exchange(HostInfo host, Connection connection, boolean pooled, byte[] request, long deadline) throws IOException {
        boolean reusable = false;
        try {
            connection.in.deadline = deadline;
            int first;
            try {
                connection.out.write(request);
                connection.out.flush();
                first = connection.in.read();
            } catch (SocketTimeoutException e) {
                throw e;
            } catch (IOException e) {
                if (pooled) {
                    throw new StaleConnectionException();
                }
                throw e;
            }
            if (first < 0) {
                throw pooled ? new StaleConnectionException() : new EOFException("The instance closed the connection without answering");
            }
            ParsedAnswer parsed = connection.read(first);
            reusable = parsed.keepAlive;
            return parsed.answer;
        } finally {
            if (reusable) {
                checkIn(host, connection);
            } else {
                connection.close();
            }
        }
    }

    private static byte[] request(HostInfo host, String pathAndQuery, List<String> headers) {
        if (headers.size() % 2 != 0) {
            throw new IllegalArgumentException("headers must be name, value pairs");
        }
        StringBuilder out = new StringBuilder(256);
        out.append("GET ");
        appendPath(out, pathAndQuery);
        out.append(" HTTP/1.1\r\n");
        out.append("Host: ").append(host.host()).append(':').append(host.port()).append("\r\n");
        for (int i = 0; i < headers.size(); i += 2) {
            out.append(requireToken(headers.get(i), "header name")).append(": ").append(requireValue(headers.get(i + 1))).append("\r\n");
        }
        out.append("\r\n");
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The path and query as received, with characters beyond ASCII percent-encoded as UTF-8; no spaces or control characters. */
    private static void appendPath(StringBuilder out, String pathAndQuery) {
        for (int i = 0; i < pathAndQuery.length(); i++) {
            char c = pathAndQuery.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                throw new IllegalArgumentException("A path to forward holds a character HTTP does not allow there");
            }
            if (c < 0x80) {
                out.append(c);
                continue;
            }
            int end = Character.isHighSurrogate(c) && i + 1 < pathAndQuery.length() ? i + 2 : i + 1;
            for (byte b : pathAndQuery.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                    .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
            i = end - 1;
        }
    }

    /** No spaces or control characters: what header names allow. */
    private static String requireToken(String value, String what) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new IllegalArgumentException("A " + what + " to forward holds a character HTTP does not allow there");
            }
        }
        return value;
    }

    /** No line breaks or other control characters: a header value cannot start another header. */
    private static String requireValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < ' ' && c != '\t' || c == 0x7f || c > 0xff) {
                throw new IllegalArgumentException("A header value to forward holds a character HTTP does not allow");
            }
        }
        return value;
    }

    private Connection checkOut(HostInfo host) {
        BlockingDeque<Connection> pool = idle.get(host);
        if (pool == null) {
            return null;
        }
        long now = System.nanoTime();
        for (Connection c = pool.pollFirst(); c != null; c = pool.pollFirst()) {
            if (now - c.idleSince < MAX_IDLE.toNanos()) {
                return c;
            }
            c.close();
        }
        return null;
    }

    private void checkIn(HostInfo host, Connection connection) {
        connection.idleSince = System.nanoTime();
        BlockingDeque<Connection> pool = idle.computeIfAbsent(host, h -> new LinkedBlockingDeque<>(MAX_IDLE_PER_INSTANCE));
        if (closed || !pool.offerFirst(connection)) {
            connection.close();
        }
    }

    private Connection open(HostInfo host, long deadline) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host.host(), host.port()), connectTimeoutMs);
            if (tls != null) {
                SSLSocket secure = (SSLSocket) tls.createSocket(socket, host.host(), host.port(), true);
                SSLParameters parameters = secure.getSSLParameters();
                // As any HTTPS client: the certificate must name the host asked for.
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                secure.setSSLParameters(parameters);
                secure.setSoTimeout(remainingMs(deadline));
                secure.startHandshake();
                return new Connection(secure);
            }
            return new Connection(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static int remainingMs(long deadline) throws SocketTimeoutException {
        long remaining = (deadline - System.nanoTime()) / 1_000_000;
        if (remaining <= 0) {
            throw new SocketTimeoutException("The forwarded request timed out");
        }
        return (int) Math.min(Integer.MAX_VALUE, remaining);
    }

    /** Closes every pooled connection; connections in use close when their exchange ends. */
    @Override
    public void close() {
        closed = true;
        idle.values().forEach(pool -> {
            for (Connection c = pool.pollFirst(); c != null; c = pool.pollFirst()) {
                c.close();
            }
        });
    }

    /** A kept-alive connection was closed by the other side before any byte of an answer came. */
    private static final class StaleConnectionException extends IOException {
        StaleConnectionException() {
            super("stale connection", null);
        }
    }

    private record ParsedAnswer(Answer answer, boolean keepAlive) {
    }

    /** One socket with its buffered, deadline-bound input. */
    private static final class Connection {

        final Socket socket;
        final OutputStream out;
        final DeadlineInput in;
        long idleSince;

        Connection(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.in = new DeadlineInput(socket, socket.getInputStream());
        }

        /** The answer whose first byte, {@code first}, was read already. */
        ParsedAnswer read(int first) throws IOException {
            while (true) {
                String statusLine = in.line(first, MAX_HEADER_BYTES);
                first = -1;
                if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
                    throw new IOException("Not an HTTP/1.x answer");
                }
                int status = parseStatus(statusLine);
                Map<String, String> headers = new HashMap<>();
                int headerBytes = 0;
                for (String line = in.line(-1, MAX_HEADER_BYTES); !line.isEmpty(); line = in.line(-1, MAX_HEADER_BYTES)) {
                    headerBytes += line.length();
                    if (headerBytes > MAX_HEADER_BYTES) {
                        throw new IOException("The answer's headers are too long");
                    }
                    int colon = line.indexOf(':');
                    if (colon > 0) {
                        headers.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                    }
                }
                if (status >= 100 && status < 200) {
                    continue;  // an interim answer: the real one follows
                }
                boolean http10 = statusLine.startsWith("HTTP/1.0");
                String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
                boolean keepAlive = http10 ? connection.contains("keep-alive") : !connection.contains("close");
                byte[] body;
                String length = headers.get("content-length");
                if (status == 204 || status == 304) {
                    body = new byte[0];
                } else if (headers.getOrDefault("transfer-encoding", "").toLowerCase(Locale.ROOT).contains("chunked")) {
                    body = in.chunked();
                } else if (length != null) {
                    body = in.exactly(parseLength(length));
                } else {
                    body = in.untilEnd();
                    keepAlive = false;
                }
                return new ParsedAnswer(new Answer(status, Map.copyOf(headers), body), keepAlive);
            }
        }

        private static int parseStatus(String statusLine) throws IOException {
            try {
                return Integer.parseInt(statusLine.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new IOException("An HTTP answer without a status code");
            }
        }

        private static int parseLength(String length) throws IOException {
            long parsed;
            try {
                parsed = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw new IOException("An HTTP answer with a malformed Content-Length");
            }
            if (parsed < 0 || parsed > MAX_BODY_BYTES) {
                throw new IOException("An HTTP answer of " + parsed + " bytes, more than " + MAX_BODY_BYTES + " accepted");
            }
            return (int) parsed;
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** A buffered input whose every read waits at most until the exchange's deadline. */
    private static final class DeadlineInput {

        private final Socket socket;
        private final InputStream in;
        private final byte[] buffer = new byte[8192];
        private int position;
        private int limit;
        long deadline;

        DeadlineInput(Socket socket, InputStream in) {
            this.socket = socket;
            this.in = in;
        }

        private boolean fill() throws IOException {
            socket.setSoTimeout(remainingMs(deadline));
            int n = in.read(buffer, 0, buffer.length);
            if (n < 0) {
                return false;
            }
            position = 0;
            limit = n;
            return true;
        }

        int read() throws IOException {
            if (position == limit && !fill()) {
                return -1;
            }
            return buffer[position++] & 0xff;
        }

        /** One CRLF-ended line (without it), starting with {@code first} when that is a byte already read. */
        String line(int first, int max) throws IOException {
            StringBuilder line = new StringBuilder(64);
            int c = first >= 0 ? first : read();
            while (c != '\n') {
                if (c < 0) {
                    throw new EOFException("The answer ended inside its headers");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
                if (line.length() > max) {
                    throw new IOException("An answer's header line is too long");
                }
                c = read();
            }
            return line.toString();
        }

        byte[] exactly(int length) throws IOException {
            byte[] body = new byte[length];
            int done = 0;
            while (done < length) {
                if (position == limit && !fill()) {
                    throw new EOFException("The answer ended before its Content-Length");
                }
                int n = Math.min(length - done, limit - position);
                System.arraycopy(buffer, position, body, done, n);
                position += n;
                done += n;
            }
            return body;
        }

        byte[] chunked() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = line(-1, 1024);
                int semicolon = sizeLine.indexOf(';');
                int size;
                try {
                    size = Integer.parseInt((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("A malformed chunk size");
                }
                if (size < 0 || body.size() + (long) size > MAX_BODY_BYTES) {
                    throw new IOException("An HTTP answer of more than " + MAX_BODY_BYTES + " bytes");
                }
                if (size == 0) {
                    // Trailers, if any, end with an empty line.
                    for (String trailer = line(-1, MAX_HEADER_BYTES); !trailer.isEmpty(); trailer = line(-1, MAX_HEADER_BYTES)) {
                        // ignored
                    }
                    return body.toByteArray();
                }
                body.write(exactly(size));
                if (!line(-1, 2).isEmpty()) {
                    throw new IOException("A chunk without its line end");
                }
            }
        }

        byte[] untilEnd() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                if (position == limit && !fill()) {
                    return body.toByteArray();
                }
                body.write(buffer, position, limit - position);
                position = limit;
                if (body.size() > MAX_BODY_BYTES) {
                    throw new IOException("An HTTP answer of more than " + MAX_BODY_BYTES + " bytes");
                }
            }
        }
    }
}
