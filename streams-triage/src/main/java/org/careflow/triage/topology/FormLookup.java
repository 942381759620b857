package org.careflow.triage.topology;

import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.careflow.events.triage.FormDefinition;
import org.careflow.forms.BuiltInForms;
import org.careflow.forms.FormKey;

/** Finds the form version a submission names in the global table of forms (built-in forms first). */
final class FormLookup {

    private static final StringSerializer KEYS = new StringSerializer();

    private final KeyValueStore<String, ValueAndTimestamp<FormDefinition>> forms;

    FormLookup(KeyValueStore<String, ValueAndTimestamp<FormDefinition>> forms) {
        this.forms = forms;
    }

    /** The version named, or the latest held when {@code version} is null; empty when streams-triage does not hold it (yet). */
    Optional<FormDefinition> find(String formId, Integer version) {
        Optional<FormDefinition> builtIn = BuiltInForms.find(formId, version);
        if (builtIn.isPresent()) {
            return builtIn;
        }
        if (version != null) {
            return Optional.ofNullable(forms.get(FormKey.of(formId, version))).map(ValueAndTimestamp::value);
        }
        FormDefinition latest = null;
        try (KeyValueIterator<String, ValueAndTimestamp<FormDefinition>> it = forms.prefixScan(formId + "@", KEYS)) {
            while (it.hasNext()) {
                ValueAndTimestamp<FormDefinition> candidate = it.next().value;
                if (candidate != null && (latest == null || candidate.value().getVersion() > latest.getVersion())) {
                    latest = candidate.value();
                }
            }
        }
        return Optional.ofNullable(latest);
    }
}
