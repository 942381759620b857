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

    /**
     * Builds (does not start) a server.
     *
     * @param maxRequestBytes largest request body accepted; larger ones get 413
     * @param ready whether the app can serve its reads and writes, for {@code /health/ready}
     * @param routes the app's routes, added to {@code config.routes}
     */
    public static Javalin create(String host, int port, long maxRequestBytes, BooleanSupplier ready,
                                 Consumer<JavalinConfig> routes) {
        return create(host, port, maxRequestBytes, ready, null, routes);
    }

    /**
     * Builds (does not start) a server whose matched routes all pass {@code gate} first (see {@link SecurityGate}):
     * every route the app adds must then be registered with one {@link EndpointClass}. The health routes are
     * {@link EndpointClass#PUBLIC}.
     *
     * @param gate the access checks; null serves every route without them, as before security existed
     */
    public static Javalin create(String host, int port, long maxRequestBytes, BooleanSupplier ready, SecurityGate gate,
                                 Consumer<JavalinConfig> routes) {
        return create(host, port, maxRequestBytes, ready, gate, HttpTlsSettings.none(), routes);
    }

    /**
     * Builds (does not start) a server as {@link #create(String, int, long, BooleanSupplier, SecurityGate, Consumer)}
     * does, serving HTTPS only (TLSv1.3 and TLSv1.2) when {@code tls} has a key store, plain HTTP otherwise.
     */
    public static Javalin create(String host, int port, long maxRequestBytes, BooleanSupplier ready, SecurityGate gate,
                                 HttpTlsSettings tls, Consumer<JavalinConfig> routes) {
        return create(host, port, maxRequestBytes, ready, gate, tls, null, routes);
    }

    /**
     * Builds (does not start) a server as {@link #create(String, int, long, BooleanSupplier, SecurityGate, HttpTlsSettings, Consumer)}
     * does that also times every request and serves {@code metrics} at {@code GET /metrics} ({@link EndpointClass#OPS}).
     *
     * @param metrics the app's metrics; null: no timer and no {@code /metrics}
     */
    public static Javalin create(String host, int port, long maxRequestBytes, BooleanSupplier ready, SecurityGate gate,
                                 HttpTlsSettings tls, AppMetrics metrics, Consumer<JavalinConfig> routes) {
        java.util.Objects.requireNonNull(ready, "ready");
        return create(host, port, maxRequestBytes, (Readiness.Check) () -> Readiness.of(ready.getAsBoolean()), gate, tls, metrics, routes);
    }

    /**
     * Builds (does not start) a server as {@link #create(String, int, long, BooleanSupplier, SecurityGate, HttpTlsSettings, Consumer)}
     * does, with a readiness check whose answer says why the app is not ready ({@code /health/ready} serves its body).
     */
    public static Javalin create(String host, int port, long maxRequestBytes, Readiness.Check ready, SecurityGate gate,
                                 HttpTlsSettings tls, Consumer<JavalinConfig> routes) {
        return create(host, port, maxRequestBytes, ready, gate, tls, null, routes);
    }

    /**
     * Builds (does not start) a server with a readiness check whose answer says why the app is not ready
     * ({@code /health/ready} serves its body), that also times every request and serves {@code metrics} at
     * {@code GET /metrics} ({@link EndpointClass#OPS}).
     *
     * @param metrics the app's metrics; null: no timer and no {@code /metrics}
     */
    public static Javalin create(String host, int port, long maxRequestBytes, Readiness.Check ready, SecurityGate gate,
                                 HttpTlsSettings tls, AppMetrics metrics, Consumer<JavalinConfig> routes) {
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
                if (!Problem.CONTENT_TYPE.equals(ctx.res().getContentType())) {
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

    /** Writes {@code problem} as the response. */
    public static void respond(Context ctx, Problem problem) {
        try {
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
