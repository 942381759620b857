package org.careflow.triage.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.careflow.http.HttpServerFactory;
import org.careflow.security.SecurityGate;
import org.junit.jupiter.api.Test;

/**
 * Every query route is registered with one EndpointClass: behind a gate, an unclassified route would be refused 403
 * (route-unclassified); here each one reaches its handler, which answers 503 while the stream processor does not exist.
 */
class TriageRoutesClassifiedTest {

    @Test
    void shouldReachEveryRouteHandlerWhenTheGateIsInstalled() throws Exception {
        Javalin server = HttpServerFactory.builder("127.0.0.1", 0).maxRequestBytes(1024).ready(() -> false).gate(SecurityGate.disabled())
            .routes(config -> {
                new TriageQueryRoutes(() -> null).register(config);
                new TriageFhirRoutes(() -> null).register(config);
            }).build().start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            for (String template : List.of(TriageQueryRoutes.PATIENT_TRIAGE_PATH, TriageQueryRoutes.PATIENT_HISTORY_PATH, TriageQueryRoutes.FACILITY_QUEUE_PATH,
                TriageQueryRoutes.FACILITY_STATS_PATH, TriageQueryRoutes.FORM_PATH, TriageFhirRoutes.OBSERVATION_PATH + "?patient=x-1",
                TriageFhirRoutes.RISK_ASSESSMENT_PATH + "?patient=x-1", TriageFhirRoutes.ENCOUNTER_PATH + "?service-provider=x-1",
                TriageFhirRoutes.QUESTIONNAIRE_SEARCH_PATH + "?facility=x-1", TriageFhirRoutes.QUESTIONNAIRE_PATH.replace("{id}", "x-1.1"))) {
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
