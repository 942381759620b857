package org.careflow.bench.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one scenario measured.
 *
 * @param scenario    the scenario's name
 * @param description what it measures
 * @param metrics     the figures, in report order
 * @param details     scenario-specific facts worth keeping (record counts, errors, settings it chose), for the JSON report
 * @param seconds     wall-clock time the scenario took, warm-up included
 */
public record ScenarioResult(String scenario, String description, List<Metric> metrics, Map<String, Object> details, double seconds) {

    public ScenarioResult {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(description, "description");
        metrics = List.copyOf(metrics);
        details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public Optional<Metric> metric(String name) {
        return metrics.stream().filter(m -> m.name().equals(name)).findFirst();
    }
}
