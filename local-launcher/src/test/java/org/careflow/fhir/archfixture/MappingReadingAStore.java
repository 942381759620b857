package org.careflow.fhir.archfixture;

import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Breaks the FHIR mapping rule on purpose (see LayeringTest): a mapper that reads a state store itself. */
public final class MappingReadingAStore {

    public Object read(ReadOnlyKeyValueStore<String, Object> store, String key) {
        return store.get(key);
    }
}
