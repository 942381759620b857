package org.careflow.query;

import org.careflow.http.ProblemException;
import org.careflow.validation.FieldError;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.streams.state.HostInfo;

/**
 * How stale an answer the caller accepts, from the query parameters of a key lookup, and what to do when the active owner
 * of the key cannot answer.
 *
 * <ul>
 *   <li>{@code allowStale=true}: any local copy may answer (a standby replica, or the owner's store while it restores),
 *       however far behind.</li>
 *   <li>{@code maxLagMs=N}: a copy may answer only when it is known to be at most N milliseconds behind (implies
 *       {@code allowStale}). Kafka Streams measures a copy's lag in changelog offsets; the time bound comes from a
 *       {@link StalenessClock}, which remembers when the changelog ended where: a copy that has reached the end offset
 *       seen at time t misses nothing written before t. The bound is an upper bound; a copy whose bound is unknown does
 *       not answer.</li>
 *   <li>{@code maxLagRecords=N}: a copy may answer only when it is at most N changelog records behind (implies
 *       {@code allowStale}). Given together with {@code maxLagMs}, both must hold.</li>
 * </ul>
 *
 * Without any of them the lookup is strict, as before: only the active owner answers, otherwise 503 with {@code Retry-After}.
 */
public record StaleReads(boolean allowed, long maxLagRecords, long maxLagMs) {

    public static final String ALLOW_STALE_PARAM = "allowStale";
    public static final String MAX_LAG_RECORDS_PARAM = "maxLagRecords";
    public static final String MAX_LAG_MS_PARAM = "maxLagMs";

    /** Only the active owner answers. */
    public static final StaleReads STRICT = new StaleReads(false, 0, 0);

    private static final long UNBOUNDED = Long.MAX_VALUE;

    /** Where an answer came from. */
    public enum Source {
        /** The active owner's store, serving: not stale. */
        ACTIVE("active"),
        /** A standby replica of the key's partition. */
        STANDBY("standby"),
        /** The active owner's store while it restores from its changelog. */
        RESTORING("restoring"),
        /** The local copies of the store while no instance is known to own the key (mid-rebalance). */
        LOCAL("local");

        private final String json;

        Source(String json) {
            this.json = json;
        }

        public String json() {
            return json;
        }
    }

    /** What to do when the active owner cannot answer. */
    public enum Fallback {
        /** Answer from this instance's standby or restoring copy. */
        LOCAL_COPY,
        /** Forward once to an instance holding a standby copy. */
        FORWARD_TO_STANDBY,
        /** 503 with Retry-After. */
        UNAVAILABLE
    }

    /** The caller's tolerance, from {@code ctx}'s query parameters; 400 naming the parameter when malformed. */
    public static StaleReads from(Context ctx) {
        return parse(ctx.queryParam(ALLOW_STALE_PARAM), ctx.queryParam(MAX_LAG_RECORDS_PARAM), ctx.queryParam(MAX_LAG_MS_PARAM));
    }

    static StaleReads parse(String allowStale, String maxLagRecords, String maxLagMs) {
        boolean allow = false;
        if (allowStale != null) {
            if (!"true".equalsIgnoreCase(allowStale) && !"false".equalsIgnoreCase(allowStale)) {
                throw ProblemException.invalid(List.of(new FieldError(ALLOW_STALE_PARAM, "must be true or false")));
            }
            allow = Boolean.parseBoolean(allowStale);
        }
        long records = bound(maxLagRecords, MAX_LAG_RECORDS_PARAM, "must be a whole number of records, 0 or more");
        long millis = bound(maxLagMs, MAX_LAG_MS_PARAM, "must be a whole number of milliseconds, 0 or more");
        if (records != UNBOUNDED || millis != UNBOUNDED) {
            return new StaleReads(true, records, millis);
        }
        return allow ? new StaleReads(true, UNBOUNDED, UNBOUNDED) : STRICT;
    }

    private static long bound(String value, String param, String message) {
        if (value == null) {
            return UNBOUNDED;
        }
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ProblemException.invalid(List.of(new FieldError(param, message)));
    }

    /**
     * Whether a copy {@code offsetLag} records and at most {@code boundMs} milliseconds behind may answer; an unknown
     * lag or bound (null) only when no bound on it was asked for.
     */
    public boolean permits(Long offsetLag, Long boundMs) {
        if (!allowed) {
            return false;
        }
        boolean recordsOk = maxLagRecords == UNBOUNDED || offsetLag != null && offsetLag <= maxLagRecords;
        boolean timeOk = maxLagMs == UNBOUNDED || boundMs != null && boundMs <= maxLagMs;
        return recordsOk && timeOk;
    }

    /**
     * The {@code staleness} member of an answer: {@code {"stale": false, "source": "active"}} for the owner's answer,
     * {@code {"stale": true, "offsetLag": N, "maxStalenessMs": M, "source": "standby"}} for a copy's: at most N changelog
     * records and at most M milliseconds behind (either null when unknown).
     */
    public static Map<String, Object> staleness(Source source, Long offsetLag, Long boundMs) {
        Map<String, Object> staleness = new LinkedHashMap<>();
        staleness.put("stale", source != Source.ACTIVE);
        if (source != Source.ACTIVE) {
            staleness.put("offsetLag", offsetLag);
            staleness.put("maxStalenessMs", boundMs);
        }
        staleness.put("source", source.json());
        return staleness;
    }

    /**
     * What to do when the active owner cannot answer (its store restoring, or it is unreachable).
     *
     * @param holdsLocalCopy this instance holds a copy of the key's partition (it is the restoring owner, or a standby)
     * @param mayForward the request did not come from another instance (a forwarded request is never forwarded again)
     */
    public static Fallback fallback(boolean holdsLocalCopy, boolean mayForward, List<HostInfo> standbyHosts, HostInfo self) {
        Objects.requireNonNull(standbyHosts, "standbyHosts");
        if (holdsLocalCopy) {
            return Fallback.LOCAL_COPY;
        }
        if (mayForward && standbyHosts.stream().anyMatch(h -> !h.equals(self))) {
            return Fallback.FORWARD_TO_STANDBY;
        }
        return Fallback.UNAVAILABLE;
    }
}
