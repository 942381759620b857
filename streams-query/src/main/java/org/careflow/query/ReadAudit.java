package org.careflow.query;

import org.careflow.http.ProblemException;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.state.HostInfo;
import org.careflow.events.security.AccessOutcome;
import org.careflow.events.security.AccessRole;
import org.careflow.events.security.DataAccessAudit;
import org.careflow.security.EndpointClass;
import org.careflow.security.Principal;
import org.careflow.security.ResourceScope;
import org.careflow.security.SecurityGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data-access audit of one instance's reads: builds a {@link DataAccessAudit} from the request (who, route template,
 * path and data scope, outcome) when its endpoint class is audited and a caller is known, and holds an allowed answer
 * until the event is acknowledged. It reads no header that could turn it off.
 */
final class ReadAudit {

    private static final Logger LOG = LoggerFactory.getLogger(ReadAudit.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final String app;
    private final HostInfo self;
    private final AuditPublisher publisher;

    ReadAudit(String app, HostInfo self, AuditPublisher publisher) {
        this.app = Objects.requireNonNull(app, "app");
        this.self = Objects.requireNonNull(self, "self");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
    }

    /**
     * Records this read when its endpoint class is audited and a caller is known; returns the pending acknowledgement,
     * or null when nothing was recorded. Refusals and misses are not waited for: they answer no data.
     */
    CompletableFuture<Void> record(Context ctx, AccessOutcome outcome, int status) {
        EndpointClass endpointClass = ctx.attribute(SecurityGate.ENDPOINT_CLASS_ATTRIBUTE);
        Principal principal = ctx.attribute(SecurityGate.PRINCIPAL_ATTRIBUTE);
        if (!publisher.enabled() || endpointClass == null || !endpointClass.audited() || principal == null) {
            return null;
        }
        DataAccessAudit event = auditEvent(ctx, principal, endpointClass, outcome, status);
        CompletableFuture<Void> acked = publisher.record(event);
        acked.whenComplete((ok, e) -> {
            if (e != null && outcome != AccessOutcome.ALLOWED) {
                // The event's fields, not ctx: the request may be over by now.
                LOG.warn("Audit of a {} read of {} {} failed: {}", outcome, event.getMethod(), event.getEndpoint(),
                    rootCause(e).getClass().getSimpleName());
            }
        });
        return acked;
    }

    /** Waits for {@code acked} (null: nothing to wait for); 503 with Retry-After, before any body, when it fails or times out. */
    void await(Context ctx, CompletableFuture<Void> acked) {
        if (acked == null) {
            return;
        }
        try {
            acked.get(publisher.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("Interrupted while recording the read in the audit", RETRY_AFTER);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Refused a read of {} {}: its audit event was not acknowledged ({})", ctx.method(), ctx.endpoint().path,
                rootCause(e).getClass().getSimpleName());
            throw ProblemException.unavailable("The read could not be recorded in the audit; retry later", RETRY_AFTER);
        }
    }

    private DataAccessAudit auditEvent(Context ctx, Principal principal, EndpointClass endpointClass, AccessOutcome outcome, int status) {
        Map<String, String> path = ctx.pathParamMap();
        ResourceScope seen = ResourceAccess.noted(ctx);
        List<String> facilities = new ArrayList<>();
        if (path.containsKey(SecurityGate.FACILITY_PARAM)) {
            facilities.add(path.get(SecurityGate.FACILITY_PARAM));
        } else if (seen != null) {
            facilities.addAll(new TreeSet<>(seen.facilities()));
        }
        String patientId = path.containsKey(SecurityGate.PATIENT_PARAM) ? path.get(SecurityGate.PATIENT_PARAM)
            : seen == null ? null : seen.patientId();
        String resourceId = path.getOrDefault("bookingId", path.getOrDefault("notificationId", path.get("providerId")));
        return DataAccessAudit.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setOccurredAt(Instant.now())
            .setSubject(principal.subject())
            .setClientId(principal.clientId())
            .setRole(AccessRole.valueOf(principal.role().name()))
            .setTokenId(principal.tokenId())
            .setApp(app)
            .setInstance(self.host() + ":" + self.port())
            // Verified from the forwarder's instance credential, never read from a header a client could send.
            .setForwardedBy(InstanceCredentials.forwardedBy(ctx))
            .setMethod(ctx.method().name())
            .setEndpoint(ctx.endpoint().path)
            .setEndpointClass(endpointClass.name())
            .setPatientId(patientId)
            .setFacilityIds(facilities)
            .setResourceId(resourceId)
            .setOutcome(outcome)
            .setStatus(status)
            .setReason(outcome == AccessOutcome.DENIED ? ctx.attribute(ResourceAccess.DENIAL_ATTRIBUTE) : null)
            .build();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
