package org.careflow.triage;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.careflow.events.triage.Consciousness;
import org.careflow.events.triage.SubmissionChannel;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.events.triage.VitalSigns;
import org.careflow.topics.RegistryEventSerdes;

/** Submissions for tests, and a producer that writes them as the ingest API does. */
public final class TriageFixtures {

    private TriageFixtures() {
    }

    /** The README's example: RR 22, SpO2 93 on air, SBP 105, HR 95, alert, 38.4 °C, which the NEWS2 chart scores 7 (HIGH). */
    public static VitalSigns exampleVitals() {
        return VitalSigns.newBuilder()
            .setRespiratoryRate(22).setSpo2(93).setSpo2Scale(1).setOnSupplementalOxygen(false)
            .setSystolicBp(105).setHeartRate(95).setConsciousness(Consciousness.ALERT).setTemperature(38.4)
            .build();
    }

    /** Normal observations, which the chart scores 0 (LOW). */
    public static VitalSigns normalVitals() {
        return VitalSigns.newBuilder()
            .setRespiratoryRate(16).setSpo2(98).setSpo2Scale(1).setOnSupplementalOxygen(false)
            .setSystolicBp(120).setHeartRate(70).setConsciousness(Consciousness.ALERT).setTemperature(37.0)
            .build();
    }

    public static TriageSubmission submission(String submissionId, String patientId, Instant submittedAt, VitalSigns vitals) {
        return submission(submissionId, patientId, "f-1", submittedAt, vitals);
    }

    public static TriageSubmission submission(String submissionId, String patientId, String facilityId, Instant submittedAt,
                                              VitalSigns vitals) {
        return TriageSubmission.newBuilder()
            .setEventId(submissionId).setSubmissionId(submissionId).setOccurredAt(submittedAt.plusSeconds(1))
            .setPatientId(patientId).setFacilityId(facilityId).setFormId("general-v1").setFormVersion(1)
            .setChannel(SubmissionChannel.WHATSAPP)
            .setSubmittedAt(submittedAt).setVitals(vitals).setAnswers(Map.of())
            .build();
    }

    /** Observations the chart scores 1 (heart rate 95), band LOW. */
    public static VitalSigns lowVitals() {
        VitalSigns v = normalVitals();
        v.setHeartRate(95);
        return v;
    }

    /** Observations the chart scores 5 (RR 22: 2, SpO2 94: 1, HR 95: 1, temp 38.4: 1), band MEDIUM. */
    public static VitalSigns mediumVitals() {
        VitalSigns v = normalVitals();
        v.setRespiratoryRate(22);
        v.setSpo2(94);
        v.setHeartRate(95);
        v.setTemperature(38.4);
        return v;
    }

    /**
     * A form with a red flag on chest pain and points for pain: {@code chest_pain} (YES_NO), {@code pain}
     * (NUMBER 0-10) with 2 points at 7 or more, and red flag {@code chest_pain_flag} for chest_pain = yes.
     */
    public static org.careflow.events.triage.FormDefinition chestPainForm(String formId, int version, int severePainPoints) {
        var condition = org.careflow.events.triage.AnswerCondition.newBuilder().setEqualTo("yes").build();
        var range = org.careflow.events.triage.AnswerCondition.newBuilder().setMin(7.0).setMax(null).build();
        return org.careflow.events.triage.FormDefinition.newBuilder()
            .setEventId("form-" + formId + "-" + version).setOccurredAt(Instant.parse("2026-01-01T00:00:00Z"))
            .setFormId(formId).setVersion(version).setFacilityId(null).setTitle("Chest pain")
            .setQuestions(java.util.List.of(
                org.careflow.events.triage.FormQuestion.newBuilder().setQuestionId("chest_pain").setText("Chest pain?")
                    .setType(org.careflow.events.triage.QuestionType.YES_NO).setRequired(true).build(),
                org.careflow.events.triage.FormQuestion.newBuilder().setQuestionId("pain").setText("Pain 0-10")
                    .setType(org.careflow.events.triage.QuestionType.NUMBER).setMin(0.0).setMax(10.0).build()))
            .setScoringRules(java.util.List.of(org.careflow.events.triage.ScoringRule.newBuilder()
                .setRuleId("severe_pain").setQuestionId("pain").setCondition(range).setPoints(severePainPoints).build()))
            .setRedFlagRules(java.util.List.of(org.careflow.events.triage.RedFlagRule.newBuilder()
                .setRuleId("chest_pain_flag").setQuestionId("chest_pain").setCondition(condition)
                .setDescription("Chest pain: rule out ACS").build()))
            .build();
    }

    /** A submission against {@code formId} (version null: the latest) with {@code answers}. */
    public static TriageSubmission formSubmission(String submissionId, String patientId, Instant submittedAt, VitalSigns vitals,
                                                  String formId, Integer version, Map<String, String> answers) {
        TriageSubmission s = submission(submissionId, patientId, submittedAt, vitals);
        s.setFormId(formId);
        s.setFormVersion(version);
        s.setAnswers(answers);
        return s;
    }

    /** A producer of Avro events through the registry at {@code registryUrl}, as the ingest API writes them. */
    public static KafkaProducer<String, SpecificRecord> avroProducer(String bootstrapServers, String registryUrl) {
        Map<String, Object> props = new HashMap<>(new RegistryEventSerdes(registryUrl, false).clientConfig());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroKafkaSerializer.class);
        return new KafkaProducer<>(props);
    }
}
