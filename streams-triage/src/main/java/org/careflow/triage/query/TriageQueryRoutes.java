package org.careflow.triage.query;

import io.javalin.config.JavalinConfig;
import java.time.Duration;
import java.util.function.Supplier;
import org.careflow.events.triage.TriageAssessment;
import org.careflow.query.InteractiveQueryService;
import org.careflow.query.ProblemException;
import org.careflow.triage.topology.TriageTopology;

/** streams-triage's read API, answered from the stores of whichever instance owns the patient. */
public final class TriageQueryRoutes {

    public static final String PATIENT_TRIAGE_PATH = "/v1/patients/{patientId}/triage";

    private final Supplier<InteractiveQueryService> queries;

    /** {@code queries} yields null until the stream processor exists; requests are answered 503 until then. */
    public TriageQueryRoutes(Supplier<InteractiveQueryService> queries) {
        this.queries = queries;
    }

    public void register(JavalinConfig config) {
        config.routes.get(PATIENT_TRIAGE_PATH, ctx -> service().<TriageAssessment>respondWithValue(
            ctx, TriageTopology.LATEST_ASSESSMENT_STORE, ctx.pathParam("patientId"), AssessmentView::of));
    }

    private InteractiveQueryService service() {
        InteractiveQueryService service = queries.get();
        if (service == null) {
            throw ProblemException.unavailable("The stream processor is starting", Duration.ofSeconds(2));
        }
        return service;
    }
}
