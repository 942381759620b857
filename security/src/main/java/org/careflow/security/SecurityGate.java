package org.careflow.security;

import io.javalin.config.JavalinConfig;
import io.javalin.config.RouterConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.javalin.router.ParsedEndpoint;
import io.javalin.security.RouteRole;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies careflow's access rules to a Javalin server, before any matched route runs: PUBLIC and WEBHOOK routes pass
 * (webhooks rate-limited by client address); every other route needs a valid bearer token (401), stays within its
 * rate limit (429), must be open to the caller's role (403) and, where its path names a {@code {facilityId}} or a
 * {@code {patientId}}, must be within the caller's scope (403). A route registered without exactly one
 * {@link EndpointClass} is refused (403): forgetting to classify a route closes it rather than opening it.
 *
 * <p>Handlers read the caller with {@link #principal(Context)} and check what a body or a stored value names with
 * {@link #requireWrite(Context, String, String)} / {@link #require(Context, ResourceScope)}. Refusals are thrown as
 * {@link SecurityRejection}, which the HTTP layer renders as problem+json. Nothing here logs a token, a patient id or a
 * request path (only route templates).
 */
public final class SecurityGate {

    private static final Logger LOG = LoggerFactory.getLogger(SecurityGate.class);

    public static final String PRINCIPAL_ATTRIBUTE = "careflow.security.principal";
    public static final String ENDPOINT_CLASS_ATTRIBUTE = "careflow.security.endpointClass";
    private static final String DISABLED_ATTRIBUTE = "careflow.security.disabled";

    public static final String AUTHORIZATION = "Authorization";
    public static final String WWW_AUTHENTICATE = "WWW-Authenticate";
    public static final String RETRY_AFTER = "Retry-After";
    public static final String REALM = "Bearer realm=\"careflow\"";
    public static final String FACILITY_PARAM = "facilityId";
    public static final String PATIENT_PARAM = "patientId";
    /** Retry-After when the signing keys cannot be fetched: a JWKS fetch retried a few seconds later usually works. */
    static final long KEYS_RETRY_AFTER_SECONDS = 5;

    private final JwtAuthenticator authenticator;
    private final RateLimiter rateLimiter;
    private final Map<Endpoint, ParsedEndpoint> parsedEndpoints = new ConcurrentHashMap<>();

    /**
     * @param authenticator verifies tokens; null turns authentication off (tests and benchmarks only)
     * @param rateLimiter limits callers; null turns rate limiting off
     */
    public SecurityGate(JwtAuthenticator authenticator, RateLimiter rateLimiter) {
        this.authenticator = authenticator;
        this.rateLimiter = rateLimiter;
    }

    /** The gate the settings describe; the one place an app's gate is built, for authentication on and off alike. */
    public static SecurityGate create(AuthSettings settings) {
        RateLimiter limiter = settings.rateLimitEnabled() ? RateLimiter.create(settings) : null;
        if (settings.authenticationOff()) {
            LOG.warn("{}=false: every HTTP route is open to anyone. Use this for tests and benchmarks only.", AuthSettings.AUTH_ENABLED_CONFIG);
            return new SecurityGate(null, limiter);
        }
        return new SecurityGate(JwtAuthenticator.create(settings), limiter);
    }

    /** A gate that lets everything through, so that handlers' checks pass too: tests and benchmarks only. */
    public static SecurityGate disabled() {
        return new SecurityGate(null, null);
    }

    /** Checks every matched route of the server being configured; call it inside {@code Javalin.create}. */
    public void install(JavalinConfig config) {
        RouterConfig router = config.router;
        config.routes.beforeMatched(ctx -> guard(ctx, router));
    }

    private void guard(Context ctx, RouterConfig router) {
        Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
        String template = matched == null ? "?" : matched.path;
        if (authenticator == null) {
            ctx.attribute(DISABLED_ATTRIBUTE, Boolean.TRUE);
        }
        EndpointClass endpointClass = classOf(ctx.routeRoles());
        if (endpointClass == null) {
            LOG.warn("Refused {} {}: the route has no single EndpointClass; register it with one", ctx.method(), template);
            throw forbidden(AccessPolicy.REASON_UNCLASSIFIED, false);
        }
        ctx.attribute(ENDPOINT_CLASS_ATTRIBUTE, endpointClass);
        if (endpointClass == EndpointClass.PUBLIC) {
            return;
        }
        if (endpointClass == EndpointClass.WEBHOOK) {
            limit(endpointClass, "ip:" + ctx.ip());
            return;
        }
        if (authenticator == null) {
            return;
        }
        Principal principal = authenticate(ctx, template);
        limit(endpointClass, "sub:" + principal.subject());
        Decision role = AccessPolicy.requireRole(principal, endpointClass);
        if (role instanceof Decision.Deny deny) {
            LOG.debug("Refused {} {} to role {}: {}", ctx.method(), template, principal.role(), deny.reason());
            throw forbidden(deny.reason(), true);
        }
        if (principal.smart().narrowed()) {
            FhirInteraction fhir = fhirOf(ctx.routeRoles());
            if (fhir == null || !principal.smart().permits(fhir.resourceType(), fhir.interaction())) {
                // A SMART-scoped token reaches only the FHIR interactions its scopes grant.
                LOG.debug("Refused {} {} to role {}: {}", ctx.method(), template, principal.role(), SmartScopes.REASON);
                throw forbidden(SmartScopes.REASON, true);
            }
        }
        Map<String, String> params = matched == null ? Map.of() : pathParams(matched, router, ctx.path());
        Decision scope = AccessPolicy.checkPath(principal, endpointClass, params.get(FACILITY_PARAM), params.get(PATIENT_PARAM));
        if (scope instanceof Decision.Deny deny) {
            LOG.debug("Refused {} {} to role {}: {}", ctx.method(), template, principal.role(), deny.reason());
            throw forbidden(deny.reason(), false);
        }
        ctx.attribute(PRINCIPAL_ATTRIBUTE, principal);
    }

    private Principal authenticate(Context ctx, String template) {
        List<String> headers = Collections.list(ctx.req().getHeaders(AUTHORIZATION));
        try {
            return authenticator.authenticate(headers);
        } catch (AuthenticationException e) {
            AuthenticationException.Kind kind = e.kind();
            LOG.debug("Unauthenticated {} {}: {}", ctx.method(), template, kind.code());
            if (kind == AuthenticationException.Kind.KEYS_UNAVAILABLE) {
                throw new SecurityRejection(503, SecurityRejection.TYPE_AUTH_UNAVAILABLE, "Service unavailable",
                    "Tokens cannot be verified right now; retry later.", Map.of(RETRY_AFTER, Long.toString(KEYS_RETRY_AFTER_SECONDS)));
            }
            String challenge = kind.tokenPresented()
                ? REALM + ", error=\"invalid_token\", error_description=\"" + kind.description() + "\""
                : REALM;
            throw new SecurityRejection(401, SecurityRejection.TYPE_UNAUTHENTICATED, "Unauthenticated",
                kind.tokenPresented() ? "The bearer token was refused: " + kind.description() + "." : "This route needs a bearer token.",
                Map.of(WWW_AUTHENTICATE, challenge));
        }
    }

    private void limit(EndpointClass endpointClass, String client) {
        if (rateLimiter == null) {
            return;
        }
        RateLimiter.Outcome outcome = rateLimiter.tryAcquire(endpointClass.rateClass(), client);
        if (!outcome.allowed()) {
            throw new SecurityRejection(429, SecurityRejection.TYPE_RATE_LIMITED, "Too many requests",
                "Rate limit of " + endpointClass.rateClass().configName() + " routes reached; retry after the time in Retry-After.",
                Map.of(RETRY_AFTER, Long.toString(outcome.retryAfterSeconds())));
        }
    }

    private Map<String, String> pathParams(Endpoint matched, RouterConfig router, String path) {
        // ctx.pathParamMap() is still empty in beforeMatched (Javalin 7.0.1): match the route's template ourselves.
        return parsedEndpoints.computeIfAbsent(matched, e -> new ParsedEndpoint(e, router)).extractPathParams(path);
    }

    private static EndpointClass classOf(java.util.Set<RouteRole> roles) {
        EndpointClass found = null;
        for (RouteRole role : roles) {
            if (role instanceof EndpointClass c) {
                if (found != null) {
                    return null;
                }
                found = c;
            }
        }
        return found;
    }

    private static FhirInteraction fhirOf(java.util.Set<RouteRole> roles) {
        for (RouteRole role : roles) {
            if (role instanceof FhirInteraction interaction) {
                return interaction;
            }
        }
        return null;
    }

    /**
     * Refuses (403) the request when the caller's SMART scopes do not grant {@code interaction} on {@code resourceType}:
     * for a handler whose interaction depends on the body ($book's cancel is an update), beyond what its route declared.
     */
    public static void requireSmart(Context ctx, String resourceType, char interaction) {
        Principal principal = ctx.attribute(PRINCIPAL_ATTRIBUTE);
        if (principal != null && !principal.smart().permits(resourceType, interaction)) {
            throw forbidden(SmartScopes.REASON, true);
        }
    }

    /** The verified caller of this request; empty on PUBLIC and WEBHOOK routes and when authentication is off. */
    public static Optional<Principal> principal(Context ctx) {
        return Optional.ofNullable(ctx.attribute(PRINCIPAL_ATTRIBUTE));
    }

    /** The caller's {@code Authorization} header, to pass on unchanged when a query is forwarded to another instance. */
    public static Optional<String> authorization(Context ctx) {
        return Optional.ofNullable(ctx.header(AUTHORIZATION));
    }

    /**
     * Refuses (403) a write whose body names a facility or patient outside the caller's scope, before anything is
     * written. {@code facilityId} or {@code patientId} may be null when the body names none.
     */
    public static void requireWrite(Context ctx, String facilityId, String patientId) {
        require(ctx, ResourceScope.of(facilityId, patientId));
    }

    /** Refuses (403) access to data of {@code scope} unless the caller may reach it through this route's class. */
    public static void require(Context ctx, ResourceScope scope) {
        Objects.requireNonNull(scope, "scope");
        if (Boolean.TRUE.equals(ctx.attribute(DISABLED_ATTRIBUTE))) {
            return;
        }
        Principal principal = ctx.attribute(PRINCIPAL_ATTRIBUTE);
        EndpointClass endpointClass = ctx.attribute(ENDPOINT_CLASS_ATTRIBUTE);
        if (principal == null || endpointClass == null) {
            // A handler asked for a check no gate prepared: a wiring mistake, refused rather than waved through.
            throw new IllegalStateException("No authenticated caller on this request: install a SecurityGate "
                + "(SecurityGate.disabled() in tests) and do not call require(...) from PUBLIC or WEBHOOK routes");
        }
        Decision decision = AccessPolicy.check(principal, endpointClass, scope);
        if (decision instanceof Decision.Deny deny) {
            LOG.debug("Refused {} {} to role {}: {}", ctx.method(), endpointClass, principal.role(), deny.reason());
            throw forbidden(deny.reason(), false);
        }
    }

    private static SecurityRejection forbidden(String reason, boolean insufficientScope) {
        Map<String, String> headers = insufficientScope ? Map.of(WWW_AUTHENTICATE, REALM + ", error=\"insufficient_scope\"") : Map.of();
        return new SecurityRejection(403, SecurityRejection.TYPE_FORBIDDEN, "Forbidden", "Access refused: " + reason + ".", headers);
    }
}
