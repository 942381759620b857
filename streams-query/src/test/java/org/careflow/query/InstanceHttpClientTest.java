package org.careflow.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.state.HostInfo;
import org.careflow.http.HttpServerFactory;
import org.careflow.security.EndpointClass;
import org.careflow.security.SecurityGate;
import org.junit.jupiter.api.Test;

/** The forwarding client against real servers: the app's own HTTP server, and a bare socket server for the edge cases. */
class InstanceHttpClientTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void shouldKeepOneConnectionForSuccessiveRequestsAndPassHeadersWhenServerIsTheAppServer() throws Exception {
        // Given the app's server, noting the client port (the connection) of each request
        java.util.Set<Integer> clientPorts = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<String> seen = new CopyOnWriteArrayList<>();
        String big = "x".repeat(200_000);
        Javalin server = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(1024).ready(() -> true).gate(SecurityGate.disabled())
            .routes(config -> {
                config.routes.get("/small/{id}", ctx -> {
                    clientPorts.add(ctx.req().getRemotePort());
                    seen.add(ctx.header("X-Test") + " " + ctx.queryString());
                    ctx.header("Retry-After", "3").json(java.util.Map.of("id", ctx.pathParam("id")));
                }, EndpointClass.PUBLIC);
                config.routes.get("/big", ctx -> {
                    clientPorts.add(ctx.req().getRemotePort());
                    ctx.result(big);
                }, EndpointClass.PUBLIC);
            }).build().start();
        try (InstanceHttpClient client = InstanceHttpClient.plain(TIMEOUT)) {
            HostInfo host = new HostInfo("127.0.0.1", server.port());

            // When three requests are sent one after the other, one of them with a long answer
            InstanceHttpClient.Answer first = client.get(host, "/small/a?x=1", List.of("X-Test", "one"), TIMEOUT);
            InstanceHttpClient.Answer large = client.get(host, "/big", List.of(), TIMEOUT);
            InstanceHttpClient.Answer second = client.get(host, "/small/b", List.of("X-Test", "two"), TIMEOUT);

            // Then each answer is whole, with its headers, and all went over one connection
            assertThat(first.status()).isEqualTo(200);
            assertThat(new String(first.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"a\"}");
            assertThat(first.header("retry-after")).hasValue("3");
            assertThat(first.header("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(new String(large.body(), StandardCharsets.UTF_8)).isEqualTo(big);
            assertThat(new String(second.body(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"b\"}");
            assertThat(seen).containsExactly("one x=1", "two null");
            assertThat(clientPorts).hasSize(1);
        } finally {
            server.stop();
        }
    }

    @Test
    void shouldResendOnANewConnectionWhenThePooledOneWasClosedByTheServer() throws Exception {
        // Given a server that answers once per connection with keep-alive, then closes the connection unannounced
        try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             InstanceHttpClient client = InstanceHttpClient.plain(TIMEOUT)) {
            AtomicInteger accepted = new AtomicInteger();
            Thread.ofPlatform().daemon().start(() -> {
                while (!listener.isClosed()) {
                    try (Socket socket = listener.accept()) {
                        int n = accepted.incrementAndGet();
                        readRequest(socket);
                        answer(socket.getOutputStream(), "answer " + n);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            HostInfo host = new HostInfo("127.0.0.1", listener.getLocalPort());
            assertThat(new String(client.get(host, "/a", List.of(), TIMEOUT).body(), StandardCharsets.UTF_8)).isEqualTo("answer 1");

            // When the next request finds its kept connection closed
            InstanceHttpClient.Answer again = client.get(host, "/a", List.of(), TIMEOUT);

            // Then it was sent again on a new connection and answered
            assertThat(again.status()).isEqualTo(200);
            assertThat(new String(again.body(), StandardCharsets.UTF_8)).isEqualTo("answer 2");
        }
    }

    @Test
    void shouldGiveUpAtTheTimeoutWhenTheServerNeverAnswers() throws Exception {
        // Given a server that accepts and reads but never answers
        try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             InstanceHttpClient client = InstanceHttpClient.plain(TIMEOUT)) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    held.add(listener.accept());
                } catch (IOException e) {
                    // test over
                }
            });
            long start = System.nanoTime();

            // When / Then: a timeout, not a hang, and within about the bound
            assertThatThrownBy(() -> client.get(new HostInfo("127.0.0.1", listener.getLocalPort()), "/slow", List.of(), Duration.ofMillis(300)))
                .isInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void shouldRefuseAHeaderValueThatWouldStartAnotherHeader() {
        try (InstanceHttpClient client = InstanceHttpClient.plain(TIMEOUT)) {
            assertThatThrownBy(() -> client.get(new HostInfo("127.0.0.1", 1), "/a", List.of("Authorization", "Bearer x\r\nX-Careflow-Forwarded: y"),
                TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> client.get(new HostInfo("127.0.0.1", 1), "/a b", List.of(), TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static void readRequest(Socket socket) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        for (String line = reader.readLine(); line != null && !line.isEmpty(); line = reader.readLine()) {
            // headers read
        }
    }

    private static void answer(OutputStream out, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + bytes.length + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.flush();
    }
}
