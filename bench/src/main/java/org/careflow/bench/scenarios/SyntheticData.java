package org.careflow.bench.scenarios;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.careflow.events.triage.Consciousness;
import org.careflow.events.triage.SubmissionChannel;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.events.triage.VitalSigns;
import org.careflow.forms.BuiltInForms;

/**
 * Seeded synthetic triage traffic: facilities, patients with their own baseline vital signs (mostly normal, a few
 * deteriorating over time), and for every index {@code i} one submission, as an Avro {@link TriageSubmission} or as
 * the equivalent {@code POST /v1/triage-submissions} body. Event {@code i} depends only on the seed and {@code i}, so
 * two runs with one seed send the same events in any order and from any thread (their times shift with
 * {@link #epoch()}, which is the start of the day before the run, so that they lie in the recent past).
 */
public final class SyntheticData {

    public static final int DEFAULT_FACILITIES = 20;
    public static final int DEFAULT_PATIENTS = 10_000;
    public static final double DEFAULT_DETERIORATING_SHARE = 0.05;

    /** Consecutive events are this far apart in submittedAt. */
    static final Duration SPACING = Duration.ofMillis(10);
    /** Event times wrap after a day: whatever the index, an event lies within the day after {@link #epoch()}. */
    static final long EVENTS_PER_DAY = Duration.ofDays(1).toMillis() / SPACING.toMillis();
    /** Deteriorating patients go from their baseline to their worst over this many events, then start again. */
    static final long DETERIORATION_CYCLE = 200_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SubmissionChannel[] CHANNELS = SubmissionChannel.values();
    private static final double[] CHANNEL_WEIGHTS = channelWeights();
    private static final List<String> COMPLAINTS = List.of("shortness of breath", "chest pain", "fever", "dizziness", "cough",
        "abdominal pain", "headache", "fall at home", "wound check", "medication review");

    private final long seed;
    private final Instant epoch;
    private final List<String> facilityIds;
    private final List<Patient> patients;

    /** One patient: where they are seen, how they usually are, and whether (and how fast) they get worse. */
    record Patient(String id, String facilityId, double respiratoryRate, double spo2, int spo2Scale, double systolicBp,
                   double heartRate, double temperature, boolean deteriorating, double phase, double pace) {
    }

    public SyntheticData(long seed, Instant epoch, int facilities, int patients, double deterioratingShare) {
        if (facilities < 1 || patients < 1 || deterioratingShare < 0 || deterioratingShare > 1) {
            throw new IllegalArgumentException("Need at least one facility and patient, and a deteriorating share in [0, 1]");
        }
        this.seed = seed;
        this.epoch = Objects.requireNonNull(epoch, "epoch");
        SplittableRandom random = new SplittableRandom(seed);
        List<String> facilityList = new ArrayList<>(facilities);
        for (int f = 0; f < facilities; f++) {
            facilityList.add(String.format("bench-facility-%03d", f + 1));
        }
        this.facilityIds = List.copyOf(facilityList);
        List<Patient> patientList = new ArrayList<>(patients);
        for (int p = 0; p < patients; p++) {
            patientList.add(patient(random, p, facilityList.get(random.nextInt(facilities)), deterioratingShare));
        }
        this.patients = List.copyOf(patientList);
    }

    /** 20 facilities, 10,000 patients, 5% of them deteriorating; events in the day before {@code now}'s day. */
    public static SyntheticData standard(long seed, Instant now) {
        return new SyntheticData(seed, now.truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1)),
            DEFAULT_FACILITIES, DEFAULT_PATIENTS, DEFAULT_DETERIORATING_SHARE);
    }

    public long seed() {
        return seed;
    }

    public Instant epoch() {
        return epoch;
    }

    public List<String> facilityIds() {
        return facilityIds;
    }

    public int patientCount() {
        return patients.size();
    }

    public long deterioratingCount() {
        return patients.stream().filter(Patient::deteriorating).count();
    }

    /** The id of patient {@code n} (0-based, modulo {@link #patientCount()}), e.g. for events other than submissions. */
    public String patientId(int n) {
        return patients.get(Math.floorMod(n, patients.size())).id();
    }

    /** The key of event {@code i}: its patient's id. */
    public String key(long i) {
        return patientOf(random(i)).id();
    }

    public String submissionId(long i) {
        return "bench-" + Long.toHexString(seed) + "-" + i;
    }

    public Instant submittedAt(long i) {
        return epoch.plus(SPACING.multipliedBy(Math.floorMod(i, EVENTS_PER_DAY)));
    }

    /** Event {@code i} as streams-triage reads it from {@code triage-submissions}. */
    public TriageSubmission submission(long i) {
        Event e = event(i);
        VitalSigns vitals = VitalSigns.newBuilder()
            .setRespiratoryRate(e.respiratoryRate)
            .setSpo2(e.spo2)
            .setSpo2Scale(e.spo2Scale)
            .setOnSupplementalOxygen(e.onOxygen)
            .setSystolicBp(e.systolicBp)
            .setHeartRate(e.heartRate)
            .setConsciousness(e.consciousness)
            .setTemperature(e.temperature)
            .build();
        return TriageSubmission.newBuilder()
            .setEventId(e.submissionId)
            .setOccurredAt(e.submittedAt.plusMillis(150))
            .setSubmissionId(e.submissionId)
            .setPatientId(e.patient.id())
            .setFacilityId(e.patient.facilityId())
            .setFormId(BuiltInForms.GENERAL_V1_ID)
            .setFormVersion(1)
            .setChannel(e.channel)
            .setSubmittedAt(e.submittedAt)
            .setVitals(vitals)
            .setAnswers(Map.of())
            .setChiefComplaint(e.chiefComplaint)
            .build();
    }

    /** Event {@code i} as a client posts it to the ingest API; missing observations are left out. */
    public String json(long i) {
        Event e = event(i);
        ObjectNode body = JSON.createObjectNode();
        body.put("submissionId", e.submissionId);
        body.put("patientId", e.patient.id());
        body.put("facilityId", e.patient.facilityId());
        body.put("formId", BuiltInForms.GENERAL_V1_ID);
        body.put("formVersion", 1);
        body.put("channel", e.channel.name());
        body.put("submittedAt", e.submittedAt.toString());
        ObjectNode vitals = body.putObject("vitals");
        putIfPresent(vitals, "respiratoryRate", e.respiratoryRate);
        putIfPresent(vitals, "spo2", e.spo2);
        putIfPresent(vitals, "spo2Scale", e.spo2Scale);
        if (e.onOxygen != null) {
            vitals.put("onSupplementalOxygen", e.onOxygen);
        }
        putIfPresent(vitals, "systolicBp", e.systolicBp);
        putIfPresent(vitals, "heartRate", e.heartRate);
        if (e.consciousness != null) {
            vitals.put("consciousness", e.consciousness.name());
        }
        if (e.temperature != null) {
            vitals.put("temperature", e.temperature);
        }
        if (e.chiefComplaint != null) {
            body.put("chiefComplaint", e.chiefComplaint);
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e1) {
            throw new IllegalStateException("Cannot write a synthetic submission as JSON", e1);
        }
    }

    private static void putIfPresent(ObjectNode node, String field, Integer value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    /** Every field of one event, drawn once so that the Avro and JSON forms agree. */
    private record Event(String submissionId, Patient patient, Instant submittedAt, SubmissionChannel channel, Integer respiratoryRate,
                         Integer spo2, Integer spo2Scale, Boolean onOxygen, Integer systolicBp, Integer heartRate,
                         Consciousness consciousness, Double temperature, String chiefComplaint) {
    }

    private Event event(long i) {
        SplittableRandom r = random(i);
        Patient p = patientOf(r);
        double severity = 0;
        if (p.deteriorating()) {
            double progress = (double) Math.floorMod(i, DETERIORATION_CYCLE) / DETERIORATION_CYCLE * p.pace() + p.phase();
            severity = progress - Math.floor(progress);
        }
        double rr = p.respiratoryRate() + 1.5 * r.nextGaussian() + 12 * severity;
        double spo2 = p.spo2() + 0.8 * r.nextGaussian() - 10 * severity;
        double sbp = p.systolicBp() + 8 * r.nextGaussian() - 45 * severity;
        double hr = p.heartRate() + 6 * r.nextGaussian() + 45 * severity;
        double temp = p.temperature() + 0.3 * r.nextGaussian() + 1.8 * severity;
        boolean oxygen = severity > 0.6 || r.nextDouble() < 0.02;
        Consciousness consciousness = severity > 0.85 || r.nextDouble() < 0.002 ? Consciousness.CONFUSION : Consciousness.ALERT;
        if (!p.deteriorating() && r.nextDouble() < 0.03) {
            // An odd reading now and then, as in any clinic: one parameter off for this visit only.
            switch (r.nextInt(3)) {
                case 0 -> hr += 30;
                case 1 -> temp += 1.4;
                default -> rr += 8;
            }
        }
        Integer respiratoryRate = (int) clamp(Math.round(rr), 4, 60);
        Integer spo2Value = (int) clamp(Math.round(spo2), 70, 100);
        Integer systolic = (int) clamp(Math.round(sbp), 60, 250);
        Integer heart = (int) clamp(Math.round(hr), 30, 200);
        Double temperature = clamp(Math.round(temp * 10) / 10.0, 34.0, 41.5);
        Boolean onOxygen = oxygen;
        if (r.nextDouble() < 0.02) {
            // One observation not taken: it stays missing, and the band is INCOMPLETE.
            switch (r.nextInt(4)) {
                case 0 -> respiratoryRate = null;
                case 1 -> systolic = null;
                case 2 -> temperature = null;
                default -> onOxygen = null;
            }
        }
        SubmissionChannel channel = channel(r.nextDouble());
        String complaint = r.nextDouble() < 0.4 ? null : COMPLAINTS.get(r.nextInt(COMPLAINTS.size()));
        return new Event(submissionId(i), p, submittedAt(i), channel, respiratoryRate, spo2Value, p.spo2Scale(), onOxygen, systolic,
            heart, consciousness, temperature, complaint);
    }

    private SplittableRandom random(long i) {
        // A generator per event, seeded from (seed, i) alone: events can be made in any order, on any thread.
        return new SplittableRandom(mix(seed * 0x9E3779B97F4A7C15L + i));
    }

    private Patient patientOf(SplittableRandom r) {
        return patients.get(r.nextInt(patients.size()));
    }

    private static Patient patient(SplittableRandom r, int index, String facilityId, double deterioratingShare) {
        boolean chronicHypoxia = r.nextDouble() < 0.02;
        boolean deteriorating = r.nextDouble() < deterioratingShare;
        return new Patient(String.format("bench-patient-%06d", index + 1), facilityId,
            12 + r.nextDouble() * 6,
            chronicHypoxia ? 88 + r.nextDouble() * 4 : 96 + r.nextDouble() * 3,
            chronicHypoxia ? 2 : 1,
            115 + r.nextDouble() * 35,
            60 + r.nextDouble() * 28,
            36.3 + r.nextDouble() * 1.1,
            deteriorating,
            r.nextDouble(),
            0.5 + r.nextDouble());
    }

    private static SubmissionChannel channel(double draw) {
        double sum = 0;
        for (int c = 0; c < CHANNELS.length; c++) {
            sum += CHANNEL_WEIGHTS[c];
            if (draw < sum) {
                return CHANNELS[c];
            }
        }
        return CHANNELS[CHANNELS.length - 1];
    }

    private static double[] channelWeights() {
        double[] weights = new double[CHANNELS.length];
        for (int c = 0; c < CHANNELS.length; c++) {
            weights[c] = switch (CHANNELS[c]) {
                case WEB -> 0.30;
                case MOBILE_APP -> 0.25;
                case WHATSAPP -> 0.20;
                case STAFF -> 0.10;
                case KIOSK -> 0.10;
                case SMS -> 0.05;
            };
        }
        return weights;
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }

    /** SplitMix64's finaliser: neighbouring indices get unrelated seeds. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
