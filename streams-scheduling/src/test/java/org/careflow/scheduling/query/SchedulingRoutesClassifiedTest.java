package org.careflow.scheduling.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.careflow.http.HttpServerFactory;
import org.careflow.security.SecurityGate;
import org.junit.jupiter.api.Test;

/**
 * Every query route is registered with one EndpointClass: behind a gate, an unclassified route would be refused 403
 * (route-unclassified); here each one reaches its handler, which answers 503 while the stream processor does not exist.
 */
class SchedulingRoutesClassifiedTest {

    @Test
    void shouldReachEveryRouteHandlerWhenTheGateIsInstalled() throws Exception {
        Javalin server = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(1024).ready(() -> false).gate(SecurityGate.disabled())
            .routes(new SchedulingQueryRoutes(() -> null, Duration.ofDays(56), Instant::now)::register).build().start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            for (String template : List.of(SchedulingQueryRoutes.BOOKING_PATH, SchedulingQueryRoutes.PROVIDER_SLOTS_PATH,
                SchedulingQueryRoutes.PROVIDER_CONFLICTS_PATH, SchedulingQueryRoutes.FACILITY_SLOTS_PATH, SchedulingQueryRoutes.PATIENT_APPOINTMENTS_PATH)) {
                String path = template.replaceAll("\\{[^}]+}", "x-1");
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(template).isEqualTo(503);
            }
        } finally {
            server.stop();
        }
    }
}
