package org.careflow.notifications.topology;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.careflow.state.notifications.PhoneIndexUpdate;
import org.careflow.state.notifications.PhonePatients;

/** Keeps, per phone number, the patients whose contact has it: how an inbound message finds its patient. */
final class IndexPhoneProcessor extends ContextualProcessor<String, PhoneIndexUpdate, String, Emissions> {

    private KeyValueStore<String, PhonePatients> index;

    @Override
    public void init(ProcessorContext<String, Emissions> context) {
        super.init(context);
        index = context.getStateStore(NotificationsTopology.PHONE_INDEX_STORE);
    }

    @Override
    public void process(Record<String, PhoneIndexUpdate> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        PhonePatients current = index.get(record.key());
        List<String> patients = current == null ? new ArrayList<>() : new ArrayList<>(current.getPatientIds());
        patients.remove(record.value().getPatientId());
        if (record.value().getPresent()) {
            patients.add(record.value().getPatientId());
        }
        if (patients.isEmpty()) {
            index.delete(record.key());
        } else {
            index.put(record.key(), new PhonePatients(patients));
        }
    }
}
