package org.careflow.dispatch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny SMTP server on loopback that answers with scripted replies, for the refusals GreenMail never gives (it
 * accepts every recipient): a 550 or a 451 to {@code RCPT TO}, a 421 greeting. It records the commands it received.
 */
final class ScriptedSmtpServer implements AutoCloseable {

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile String greeting = "220 scripted ESMTP";
    private volatile String rcptReply = "250 2.1.5 OK";
    private volatile String dataEndReply = "250 2.0.0 queued";

    private ScriptedSmtpServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().name("scripted-smtp").start(this::acceptLoop);
    }

    static ScriptedSmtpServer start() {
        try {
            return new ScriptedSmtpServer();
        } catch (IOException e) {
            throw new IllegalStateException("Could not open a loopback port", e);
        }
    }

    /** A loopback port nobody listens on: it was free a moment ago and is closed again. */
    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("Could not find a free loopback port", e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    ScriptedSmtpServer greeting(String reply) {
        greeting = reply;
        return this;
    }

    ScriptedSmtpServer rcptReply(String reply) {
        rcptReply = reply;
        return this;
    }

    ScriptedSmtpServer dataEndReply(String reply) {
        dataEndReply = reply;
        return this;
    }

    /** Every command line received, in order; message content is not included. */
    List<String> commands() {
        return List.copyOf(commands);
    }

    int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        try {
            server.close();
            acceptor.join(2_000);
        } catch (IOException e) {
            // closing anyway
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                connections.incrementAndGet();
                socket.setSoTimeout(5_000);
                converse(socket);
            } catch (SocketException e) {
                // closed, or the client hung up
            } catch (IOException e) {
                // the client went away; serve the next
            }
        }
    }

    private void converse(Socket socket) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
        reply(out, greeting);
        if (!greeting.startsWith("2")) {
            return;
        }
        String line;
        while ((line = in.readLine()) != null) {
            commands.add(line);
            String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line.toUpperCase(Locale.ROOT);
            switch (verb) {
                case "EHLO", "HELO" -> reply(out, "250 scripted");
                case "MAIL" -> reply(out, "250 2.1.0 OK");
                case "RCPT" -> reply(out, rcptReply);
                case "DATA" -> {
                    reply(out, "354 end with <CRLF>.<CRLF>");
                    String data;
                    while ((data = in.readLine()) != null && !data.equals(".")) {
                        // content is read and dropped
                    }
                    reply(out, dataEndReply);
                }
                case "RSET", "NOOP" -> reply(out, "250 2.0.0 OK");
                case "QUIT" -> {
                    reply(out, "221 2.0.0 bye");
                    return;
                }
                default -> reply(out, "502 5.5.1 not implemented");
            }
        }
    }

    private static void reply(Writer out, String reply) throws IOException {
        out.write(reply + "\r\n");
        out.flush();
    }
}
