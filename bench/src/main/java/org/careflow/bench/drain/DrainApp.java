package org.careflow.bench.drain;

/** The apps the drain rounds compare, each under exactly_once_v2 and at_least_once. */
public enum DrainApp {

    /** streams-triage as in production: what is measured. */
    TRIAGE("streams-triage"),
    /** The count aggregate: the limit of Kafka Streams itself. */
    AGGREGATE("streams aggregate"),
    /** The same-shape raw app: the limit for streams-triage's work. */
    SAME_SHAPE("same-shape");

    private final String label;

    DrainApp(String label) {
        this.label = label;
    }

    /** The metric of this app's throughput under {@code guarantee}, e.g. {@code same-shape exactly_once_v2}. */
    public String metric(String guarantee) {
        return label + " " + guarantee;
    }

    /** The metric of the CPU time {@code process} spent per event of this app's rounds under {@code guarantee}. */
    public String cpuMetric(String guarantee, String process) {
        return "cpu µs/event " + metric(guarantee) + " [" + process + "]";
    }
}
