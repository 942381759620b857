package org.careflow.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.careflow.config.HttpTlsSettings;
import org.careflow.http.metrics.AppMetrics;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.careflow.security.EndpointClass;
import org.careflow.security.SecurityGate;
import org.careflow.security.SecurityRejection;
import org.careflow.validation.InvalidInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the Javalin server of a careflow app: one configuration callback with the app's routes, plus
 * what every app shares: JSON through Jackson, problem+json for every error, {@code /health/live} and
 * {@code /health/ready}, a request size limit, (when given a {@link SecurityGate}) authentication and access
 * control before every matched route, and (when given {@link AppMetrics}) a timer of every request and {@code /metrics}.
 */
public final class HttpServerFactory {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServerFactory.class);

    /** The mapper every careflow HTTP surface uses: ISO-8601 instants, no timestamps as numbers. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private HttpServerFactory() {
    }

    /** Starts the settings of a server listening on {@code host} and {@code port} (0: any free port). */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /**
     * The settings of a server, each by name: the request size limit, readiness, the security gate, TLS, metrics and
     * the app's routes. {@link #build()} makes the server (not started).
     */
    public static final class Builder {

        private final String host;
        private final int port;
        private long maxRequestBytes = 64 * 1024;
        private Readiness.Check ready = () -> Readiness.of(true);
        private SecurityGate gate;
        private HttpTlsSettings tls = HttpTlsSettings.none();
        private AppMetrics metrics;
        private Consumer<JavalinConfig> routes = config -> { };

        private Builder(String host, int port) {
            this.host = java.util.Objects.requireNonNull(host, "host");
            this.port = port;
        }

        /** The largest request body accepted; larger ones get 413. Default 64 KiB. */
        public Builder maxRequestBytes(long maxRequestBytes) {
            this.maxRequestBytes = maxRequestBytes;
            return this;
        }

        /** Whether the app can serve its reads and writes, for {@code /health/ready}. Default: always. */
        public Builder ready(BooleanSupplier ready) {
            java.util.Objects.requireNonNull(ready, "ready");
            this.ready = () -> Readiness.of(ready.getAsBoolean());
            return this;
        }

        /** A readiness check whose answer says why the app is not ready ({@code /health/ready} serves its body). */
        public Builder readiness(Readiness.Check ready) {
            this.ready = java.util.Objects.requireNonNull(ready, "ready");
            return this;
        }

        /**
         * The access checks every matched route passes first (see {@link SecurityGate}): every route the app adds must
         * then be registered with one {@link EndpointClass}; the health routes are {@link EndpointClass#PUBLIC}. Without
         * a gate every route is served without checks (tests whose subject is not security).
         */
        public Builder gate(SecurityGate gate) {
            this.gate = gate;
            return this;
        }

        /** HTTPS only (TLSv1.3 and TLSv1.2) when {@code tls} has a key store; plain HTTP otherwise (the default). */
        public Builder tls(HttpTlsSettings tls) {
            this.tls = java.util.Objects.requireNonNull(tls, "tls");
            return this;
        }

        /** Times every request and serves {@code metrics} at {@code GET /metrics} ({@link EndpointClass#OPS}). */
        public Builder metrics(AppMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        /** The app's routes, added to {@code config.routes}. */
        public Builder routes(Consumer<JavalinConfig> routes) {
            this.routes = java.util.Objects.requireNonNull(routes, "routes");
            return this;
        }

        /** The server, not started. */
        public Javalin build() {
            return create(this);
        }
    }

    private static Javalin create(Builder settings) {
        String host = settings.host;
        int port = settings.port;
        long maxRequestBytes = settings.maxRequestBytes;
        Readiness.Check ready = settings.ready;
        SecurityGate gate = settings.gate;
        HttpTlsSettings tls = settings.tls;
        AppMetrics metrics = settings.metrics;
        Consumer<JavalinConfig> routes = settings.routes;
        java.util.Objects.requireNonNull(tls, "tls");
        java.util.Objects.requireNonNull(ready, "ready");
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = host;
            config.jetty.port = port;
            if (tls.enabled()) {
                // With a connector added Javalin creates no plain one, and ignores jetty.host/port: the connector carries them.
                config.jetty.addConnector((server, httpConfig) -> {
                    HttpConfiguration https = new HttpConfiguration(httpConfig);
                    https.addCustomizer(new SecureRequestCustomizer());
                    ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(sslContextFactory(tls), "http/1.1"),
                        new HttpConnectionFactory(https));
                    connector.setHost(host);
                    connector.setPort(port);
                    return connector;
                });
            }
            // Requests in flight when the server stops are completed (see stopGracefully); Javalin nests its handlers inside.
            config.jetty.modifyServer(server -> server.setHandler(new GracefulHandler()));
            config.http.maxRequestSize = maxRequestBytes;
            config.jsonMapper(new JavalinJackson(MAPPER, false));
            if (gate != null) {
                gate.install(config);
            }
            if (metrics != null) {
                metrics.install(config);
            }
            config.routes.get("/health/live", ctx -> ctx.json(java.util.Map.of("status", "UP")), EndpointClass.PUBLIC);
            config.routes.get("/health/ready", ctx -> {
                Readiness readiness = ready.check();
                ctx.status(readiness.up() ? 200 : 503).json(readiness.body());
            }, EndpointClass.PUBLIC);
            config.routes.exception(ProblemException.class, (e, ctx) -> {
                e.headers().forEach(ctx::header);
                respond(ctx, e.problem());
            });
            config.routes.exception(InvalidInputException.class, (e, ctx) -> respond(ctx, ProblemException.invalid(e.errors()).problem()));
            config.routes.exception(SecurityRejection.class, (e, ctx) -> {
                e.headers().forEach(ctx::header);
                respond(ctx, new Problem(e.type(), e.title(), e.status(), e.detail(), java.util.List.of()));
            });
            config.routes.exception(HttpResponseException.class, (e, ctx) ->
                respond(ctx, Problem.of(e.getStatus(), reason(e.getStatus()), e.getMessage())));
            config.routes.exception(Exception.class, (e, ctx) -> {
                // Only the route: request data may hold patient identifiers.
                LOG.error("Unhandled error serving {} {}", ctx.method(), ctx.endpoint().path, e);
                respond(ctx, Problem.of(500, "Internal error", "The request failed; it has been logged."));
            });
            config.routes.error(404, ctx -> {
                String type = ctx.res().getContentType();
                if (!Problem.CONTENT_TYPE.equals(type) && !FhirOutcomes.CONTENT_TYPE.equals(type)) {
                    respond(ctx, Problem.of(404, "Not found", "No such resource: " + ctx.method() + " " + ctx.path()));
                }
            });
            config.routes.error(405, ctx -> respond(ctx, Problem.of(405, "Method not allowed", ctx.method() + " is not supported here")));
            routes.accept(config);
        });
    }

    /**
     * Stops {@code server} gracefully: it stops accepting connections at once, lets the requests in flight finish (an
     * accepted write still gets its answer) for up to {@code timeout}, then closes what is left.
     */
    public static void stopGracefully(Javalin server, java.time.Duration timeout) {
        server.jettyServer().server().setStopTimeout(timeout.toMillis());
        server.stop();
    }

    private static SslContextFactory.Server sslContextFactory(HttpTlsSettings tls) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(tls.keystorePath());
        ssl.setKeyStoreType(tls.keystoreType());
        ssl.setKeyStorePassword(tls.keystorePassword().value());
        if (tls.keyPasswordOrNull() != null) {
            ssl.setKeyManagerPassword(tls.keyPasswordOrNull().value());
        }
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        return ssl;
    }

    /** Writes {@code problem} as the response: problem+json, or an OperationOutcome on a FHIR route. */
    public static void respond(Context ctx, Problem problem) {
        try {
            if (FhirOutcomes.isFhir(ctx)) {
                ctx.status(problem.status()).contentType(FhirOutcomes.CONTENT_TYPE).result(MAPPER.writeValueAsBytes(FhirOutcomes.of(problem)));
                return;
            }
            ctx.status(problem.status()).contentType(Problem.CONTENT_TYPE).result(MAPPER.writeValueAsBytes(problem));
        } catch (Exception e) {
            throw new IllegalStateException("Cannot render problem body", e);
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 404 -> "Not found";
            case 413 -> "Request body too large";
            case 415 -> "Unsupported media type";
            default -> "HTTP " + status;
        };
    }
}
