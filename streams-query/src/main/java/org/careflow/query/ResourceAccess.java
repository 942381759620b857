package org.careflow.query;

import org.careflow.http.ProblemException;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.careflow.security.AccessPolicy;
import org.careflow.security.Decision;
import org.careflow.security.EndpointClass;
import org.careflow.security.Principal;
import org.careflow.security.ResourceScope;
import org.careflow.security.SecurityGate;
import org.careflow.security.SecurityRejection;

/**
 * Resource-level access checks for query handlers, run on the instance that read the store, after the read and before
 * rendering: what the stored value belongs to (its facility, its patient) decides, not only what the path names.
 * Each check also notes the scope it saw, so that the audit event of the read names the facilities and patient
 * answered (or refused).
 */
public final class ResourceAccess {

    static final String SCOPE_ATTRIBUTE = "careflow.query.scope";
    static final String DENIAL_ATTRIBUTE = "careflow.query.denial";
    /** The detail of the 404 for a key with nothing stored, which a concealed refusal repeats word for word. */
    public static final String NOTHING_STORED = "Nothing is stored for this key yet";

    private ResourceAccess() {
    }

    /** Refuses (403) the request unless the caller may read data of {@code scope} through this route. */
    public static void require(Context ctx, ResourceScope scope) {
        Objects.requireNonNull(scope, "scope");
        note(ctx, scope);
        try {
            SecurityGate.require(ctx, scope);
        } catch (SecurityRejection e) {
            ctx.attribute(DENIAL_ATTRIBUTE, denialReason(ctx, scope));
            throw e;
        }
    }

    /** Whether the caller may read data of {@code scope} through this route; never throws a refusal. */
    public static boolean permits(Context ctx, ResourceScope scope) {
        try {
            SecurityGate.require(ctx, scope);
            return true;
        } catch (SecurityRejection e) {
            return false;
        }
    }

    /**
     * The items the caller may read (clinicians see only assessments of their facilities, schedulers only bookings of
     * theirs). Refuses (403) when items exist but none may be read, and when there are none and {@code whenEmpty}, the
     * scope of the empty answer (the patient it is about), is refused: an empty list proves nothing about a facility.
     */
    public static <T> List<T> filter(Context ctx, List<T> items, Function<T, ResourceScope> scopeOf, ResourceScope whenEmpty) {
        Readable<T> readable = readable(ctx, items, scopeOf);
        if (readable.allowed().isEmpty()) {
            require(ctx, readable.firstRefused() != null ? readable.firstRefused() : whenEmpty);
        }
        return readable.allowed();
    }

    /**
     * As {@link #filter}, but when items exist and none may be read the answer is the very 404 that a key with nothing
     * stored gets ({@link #NOTHING_STORED}): a caller cannot tell another facility's record from none. The read is
     * still audited as a denial, with its reason.
     */
    public static <T> List<T> filterConcealed(Context ctx, List<T> items, Function<T, ResourceScope> scopeOf) {
        Readable<T> readable = readable(ctx, items, scopeOf);
        if (readable.allowed().isEmpty() && readable.firstRefused() != null) {
            note(ctx, readable.firstRefused());
            ctx.attribute(DENIAL_ATTRIBUTE, denialReason(ctx, readable.firstRefused()));
            throw ProblemException.notFound(NOTHING_STORED);
        }
        return readable.allowed();
    }

    /**
     * The items the caller may read, for a search: an answer that leaves items out is still an answer (an empty
     * searchset when none may be read, the same as when none exist), and a search that found only refused items is
     * audited as a denial, with its reason.
     */
    public static <T> List<T> filterSearch(Context ctx, List<T> items, Function<T, ResourceScope> scopeOf) {
        Readable<T> readable = readable(ctx, items, scopeOf);
        if (readable.allowed().isEmpty() && readable.firstRefused() != null) {
            note(ctx, readable.firstRefused());
            ctx.attribute(DENIAL_ATTRIBUTE, denialReason(ctx, readable.firstRefused()));
        }
        return readable.allowed();
    }

    /** The items the caller may read (their scopes noted), and the scope of the first one refused, if any. */
    private record Readable<T>(List<T> allowed, ResourceScope firstRefused) {
    }

    private static <T> Readable<T> readable(Context ctx, List<T> items, Function<T, ResourceScope> scopeOf) {
        List<T> allowed = new ArrayList<>();
        ResourceScope firstRefused = null;
        for (T item : items) {
            ResourceScope scope = scopeOf.apply(item);
            if (permits(ctx, scope)) {
                allowed.add(item);
                note(ctx, scope);
            } else if (firstRefused == null) {
                firstRefused = scope;
            }
        }
        return new Readable<>(allowed, firstRefused);
    }

    /** Whether this request's answer (a 404, or an empty search) hides a refusal ({@link #filterConcealed}, {@link #filterSearch}). */
    static boolean concealedDenial(Context ctx) {
        return ctx.attribute(DENIAL_ATTRIBUTE) != null;
    }

    /** The union of the scopes the checks of this request saw; null when none ran. */
    static ResourceScope noted(Context ctx) {
        return ctx.attribute(SCOPE_ATTRIBUTE);
    }

    private static void note(Context ctx, ResourceScope scope) {
        ResourceScope seen = ctx.attribute(SCOPE_ATTRIBUTE);
        if (seen == null) {
            ctx.attribute(SCOPE_ATTRIBUTE, scope);
            return;
        }
        Set<String> facilities = new LinkedHashSet<>(seen.facilities());
        facilities.addAll(scope.facilities());
        ctx.attribute(SCOPE_ATTRIBUTE, new ResourceScope(facilities, seen.patientId() != null ? seen.patientId() : scope.patientId()));
    }

    private static String denialReason(Context ctx, ResourceScope scope) {
        Principal principal = ctx.attribute(SecurityGate.PRINCIPAL_ATTRIBUTE);
        EndpointClass endpointClass = ctx.attribute(SecurityGate.ENDPOINT_CLASS_ATTRIBUTE);
        if (principal != null && endpointClass != null && AccessPolicy.check(principal, endpointClass, scope) instanceof Decision.Deny deny) {
            return deny.reason();
        }
        return AccessPolicy.REASON_FACILITY;
    }
}
