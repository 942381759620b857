package org.careflow.ingest;

import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.careflow.config.CommonConfig;
import org.careflow.config.HttpTlsSettings;
import org.careflow.config.ConfigSources;
import org.careflow.ingest.facilities.FacilityCatalog;
import org.careflow.ingest.forms.FormCatalog;
import org.careflow.ingest.notifications.WhatsAppWebhook;
import org.careflow.ingest.fhir.IngestFhirRoutes;
import org.careflow.ingest.triage.TriageBatchRoute;
import org.careflow.http.HttpServerFactory;
import org.careflow.http.Readiness;
import org.careflow.topics.RegistryProbe;
import org.careflow.http.metrics.AppMetrics;
import org.careflow.security.AuthSettings;
import org.careflow.security.SecurityGate;
import org.careflow.topics.RegistryEventSerdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ingest API process: an HTTP server in front of an idempotent Kafka producer and the catalog of triage forms. */
public final class IngestApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestApp.class);

    private final EventPublisher publisher;
    private final FormCatalog forms;
    private final FacilityCatalog facilities;
    private final Javalin server;
    private final AppMetrics metrics;
    private final Duration shutdownTimeout;

    private IngestApp(EventPublisher publisher, FormCatalog forms, FacilityCatalog facilities, Javalin server, AppMetrics metrics,
                      Duration shutdownTimeout) {
        this.publisher = publisher;
        this.forms = forms;
        this.facilities = facilities;
        this.server = server;
        this.metrics = metrics;
        this.shutdownTimeout = shutdownTimeout;
    }

    /**
     * Ready when Kafka takes writes, the form and facility catalogs have read their topics and the schema registry
     * answers.
     */
    static Readiness.Check readiness(EventPublisher publisher, FormCatalog catalog, FacilityCatalog facilityCatalog, RegistryProbe registry) {
        return () -> {
            boolean kafka = publisher.healthy();
            boolean forms = catalog.caughtUp();
            boolean facilities = facilityCatalog.caughtUp();
            boolean schemas = registry.reachable();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("kafka", kafka ? "UP" : "DOWN");
            details.put("registry", schemas ? "UP" : "DOWN");
            details.put("forms", forms ? "UP" : "CATCHING_UP");
            details.put("facilities", facilities ? "UP" : "CATCHING_UP");
            return new Readiness(kafka && forms && facilities && schemas, details);
        };
    }

    /**
     * Builds and starts the API as {@code config} says. Waits up to {@link IngestConfig#FORMS_CATALOG_STARTUP_TIMEOUT_MS_CONFIG}
     * for the form catalog to read the forms topic; if it has not, the API starts not ready rather than not at all.
     */
    public static IngestApp start(IngestConfig config) {
        // Before any Kafka client: a bad key file or JWKS URL stops start-up with nothing to clean up.
        SecurityGate gate = SecurityGate.create(config.auth());
        HttpTlsSettings tls = HttpTlsSettings.from(config);
        EventPublisher publisher = EventPublisher.create(config);
        AppMetrics metrics = AppMetrics.create("ingest-api");
        FormCatalog forms = null;
        FacilityCatalog facilities = null;
        try {
            metrics.bind(publisher.producer());
            forms = FormCatalog.create(config).start();
            facilities = FacilityCatalog.create(config).start();
            Duration wait = config.formsCatalogStartupTimeout();
            long deadline = System.nanoTime() + wait.toNanos();
            if (!forms.awaitCaughtUp(wait)) {
                LOG.warn("The form catalog has not read the forms topic within {} ms; starting not ready until it has", wait.toMillis());
            }
            if (!facilities.awaitCaughtUp(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                LOG.warn("The facility catalog has not read the facilities topic within {} ms; starting not ready until it has",
                    wait.toMillis());
            }
            FormCatalog catalog = forms;
            FacilityCatalog facilityCatalog = facilities;
            IngestRoutes routes = new IngestRoutes(publisher, catalog, facilityCatalog, Clock.systemUTC(), new IngestRoutes.Options(
                config.maxClockSkew(), new TriageBatchRoute.Limits(config.batchMaxItems(), config.maxBatchRequestBytes()),
                config.onCallWebhookRule()));
            WhatsAppWebhook whatsApp = new WhatsAppWebhook(publisher, Clock.systemUTC(), config.whatsAppVerifyToken(),
                config.whatsAppAppSecret());
            if (!whatsApp.configured()) {
                LOG.info("{} is not set: the WhatsApp webhook answers every delivery 503", IngestConfig.WHATSAPP_APP_SECRET_CONFIG);
            }
            Javalin server = HttpServerFactory.builder(config.getString(CommonConfig.HTTP_HOST_CONFIG), config.getInt(CommonConfig.HTTP_PORT_CONFIG))
                .maxRequestBytes(config.getLong(IngestConfig.HTTP_MAX_REQUEST_BYTES_CONFIG))
                .readiness(readiness(publisher, catalog, facilityCatalog, RegistryProbe.create(config.getString(CommonConfig.REGISTRY_URL_CONFIG),
                    config.getString(CommonConfig.REGISTRY_CLIENT_ID_CONFIG), CommonConfig.registryClientSecret(config))))
                .gate(gate).tls(tls).metrics(metrics)
                .routes(http -> {
                    routes.register(http);
                    new IngestFhirRoutes(routes, config.fhirSchedulingUrl(), config.fhirBookWait()).register(http);
                    whatsApp.register(http);
                }).build().start();
            LOG.info("Ingest API listening on port {}", server.port());
            return new IngestApp(publisher, forms, facilities, server, metrics, CommonConfig.shutdownTimeout(config));
        } catch (RuntimeException e) {
            if (forms != null) {
                forms.close();
            }
            if (facilities != null) {
                facilities.close();
            }
            metrics.close();
            publisher.close();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    /**
     * Stops in order, each step bounded by {@code shutdown.timeout.ms}: the HTTP server stops accepting and finishes the
     * requests in flight (a write already sent to Kafka still gets its 202), then the form catalog stops, then the
     * producer flushes what it holds and closes.
     */
    @Override
    public void close() {
        LOG.info("Ingest API stopping (each step at most {} ms)", shutdownTimeout.toMillis());
        HttpServerFactory.stopGracefully(server, shutdownTimeout);
        LOG.info("Ingest API: HTTP server stopped");
        forms.close();
        facilities.close();
        publisher.close(shutdownTimeout);
        LOG.info("Ingest API: producer flushed and closed");
        metrics.close();
        LOG.info("Ingest API stopped");
    }

    /** Runs the API until the JVM is told to stop. Options: {@code --config FILE}; environment: {@code CAREFLOW_*}. */
    public static void main(String[] args) {
        IngestConfig config = new IngestConfig(ConfigSources.fromCommandLine(args, IngestConfig.CONFIG.names()));
        IngestApp app = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            RegistryEventSerdes.releaseSharedResources();
        }, "ingest-shutdown"));
    }
}
