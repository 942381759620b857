package org.careflow.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.careflow.events.security.AccessOutcome;
import org.careflow.http.HttpServerFactory;
import org.careflow.http.RenderedBody;
import org.careflow.http.ProblemException;
import org.careflow.query.InteractiveQueryService.LocalStores;
import org.careflow.security.SecurityRejection;

/**
 * The one rendering point of a store read: runs the query, records the read's audit event with its outcome (allowed,
 * denied, not found, unavailable, error) and answers: the value as JSON (with its {@code staleness} when a copy
 * answered), 404 for a miss, 503 with {@code Retry-After} for a store in transition. An allowed answer is written only
 * once its audit event is acknowledged.
 */
final class AuditedAnswer {

    private final ReadAudit audit;

    AuditedAnswer(ReadAudit audit) {
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /** How a result that is null reads, and what a store in transition does. */
    enum Mode {
        /** A miss is 404; a store in transition is 503. */
        STRICT,
        /** A store in transition answers nothing and audits nothing (the caller tries another copy). */
        TRY,
        /** A miss is 503 (the data may be in a copy not open here), never 404. */
        FOUND_ONLY
    }

    /** Answers {@code ctx}; false only in {@link Mode#TRY} when a store was in transition (nothing answered). */
    boolean answer(Context ctx, String storeName, LocalStores stores, Function<LocalStores, Object> query,
                   Map<String, Object> staleness, Mode mode) {
        Object result;
        try {
            result = query.apply(stores);
        } catch (InvalidStateStoreException e) {
            if (mode == Mode.TRY) {
                return false;
            }
            audit.record(ctx, AccessOutcome.UNAVAILABLE, 503);
            throw ProblemException.unavailable("Store " + storeName + " is not queryable yet: " + e.getClass().getSimpleName(),
                OwnerLookup.RETRY_AFTER);
        } catch (SecurityRejection e) {
            audit.record(ctx, AccessOutcome.DENIED, e.status());
            throw e;
        } catch (ProblemException e) {
            AccessOutcome outcome = e.problem().status() != 404 ? AccessOutcome.ERROR
                : ResourceAccess.concealedDenial(ctx) ? AccessOutcome.DENIED : AccessOutcome.NOT_FOUND;
            audit.record(ctx, outcome, e.problem().status());
            throw e;
        } catch (RuntimeException e) {
            audit.record(ctx, AccessOutcome.ERROR, 500);
            throw e;
        }
        if (result == null && mode == Mode.FOUND_ONLY) {
            audit.record(ctx, AccessOutcome.UNAVAILABLE, 503);
            throw ProblemException.unavailable("No owner is known for this key and no local copy holds it", OwnerLookup.RETRY_AFTER);
        }
        if (result == null) {
            audit.record(ctx, AccessOutcome.NOT_FOUND, 404);
            throw ProblemException.notFound(ResourceAccess.NOTHING_STORED);
        }
        // A search that found only what the caller may not read answers empty, and is audited as the denial it is.
        AccessOutcome outcome = ResourceAccess.concealedDenial(ctx) ? AccessOutcome.DENIED : AccessOutcome.ALLOWED;
        audit.await(ctx, audit.record(ctx, outcome, 200));
        if (result instanceof RenderedBody rendered) {
            // Rendered in its own media type (FHIR): staleness, if any, is told by the header alone.
            if (staleness != null) {
                ctx.header(InteractiveQueryService.STALE_HEADER, String.valueOf(staleness.get("stale")));
            }
            ctx.contentType(rendered.contentType()).result(rendered.body());
            return true;
        }
        if (staleness == null) {
            writeJson(ctx, result);
            return true;
        }
        JsonNode body = HttpServerFactory.MAPPER.valueToTree(result);
        if (body instanceof ObjectNode object) {
            object.set("staleness", HttpServerFactory.MAPPER.valueToTree(staleness));
        }
        ctx.header(InteractiveQueryService.STALE_HEADER, String.valueOf(staleness.get("stale")));
        writeJson(ctx, body);
        return true;
    }

    /** Renders straight to UTF-8 bytes, as {@code ctx.json} would answer but without the intermediate String. */
    private static void writeJson(Context ctx, Object value) {
        byte[] json;
        try {
            json = HttpServerFactory.MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An answer could not be rendered as JSON: " + e.getClass().getSimpleName(), e);
        }
        ctx.contentType(ContentType.APPLICATION_JSON).result(json);
    }

    /** Records a read refused before any store was read (a copy too far behind). */
    void unavailable(Context ctx) {
        audit.record(ctx, AccessOutcome.UNAVAILABLE, 503);
    }
}
