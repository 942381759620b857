package org.careflow.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.careflow.dispatch.CloudApiStandIn.RecordedRequest;
import org.careflow.events.notifications.OutboundNotification;
import org.careflow.events.scheduling.BookingOutcome;
import org.careflow.events.scheduling.BookingStatus;
import org.careflow.topics.Topic;
import org.careflow.topics.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The suite's invariants, read from careflow's outputs: every acknowledged submission assessed exactly once; every
 * acknowledged booking decided once, no slot held by two confirmed bookings, no patient holding overlapping
 * appointments; every due reminder sent exactly once (counted at the WhatsApp stand-in, by notification id) and none
 * after its appointment; every acknowledged submission in PostgreSQL and MongoDB, every acknowledged booking in
 * PostgreSQL; every dead-letter topic empty.
 */
final class ChaosChecks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChaosChecks.class);
    static final String REMINDER_TEMPLATE = "appointment_reminder";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A reminder is due this long after its time at the latest: punctuation, the dispatcher's poll and send. */
    static final Duration REMINDER_GRACE = Duration.ofSeconds(45);

    /** What a check found. */
    record Verdict(long acknowledged, long lost, long duplicated, List<String> problems) {
        boolean clean() {
            return lost == 0 && duplicated == 0 && problems.isEmpty();
        }
    }

    private final ChaosCluster cluster;
    private final Acknowledged acknowledged;
    private final OutputsReader outputs;
    /** When each request to the stand-in was first seen (its index in the stand-in's list): "none after its appointment". */
    private final Map<Integer, Instant> firstSeen = new ConcurrentHashMap<>();
    /** Duplicates, conflicts and late sends already reported: each counts in the scenario that first saw it. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> reportedDeadLetters = new HashMap<>();
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chaos-sent-watcher");
        t.setDaemon(true);
        return t;
    });

    ChaosChecks(ChaosCluster cluster, Acknowledged acknowledged) {
        this.cluster = cluster;
        this.acknowledged = acknowledged;
        this.outputs = new OutputsReader(cluster.bootstrapServers(), cluster.serdes());
        watcher.scheduleWithFixedDelay(() -> {
            int n = cluster.cloudApi().requests().size();
            Instant now = Instant.now();
            for (int i = 0; i < n; i++) {
                firstSeen.putIfAbsent(i, now);
            }
        }, 0, 200, TimeUnit.MILLISECONDS);
    }

    /** Whether everything acknowledged up to {@code cutoff} is visible in the outputs (assessed, decided) and the sinks. */
    boolean allVisible(Instant cutoff) {
        return missingSubmissions(Instant.EPOCH, cutoff).isEmpty() && missingBookings(Instant.EPOCH, cutoff).isEmpty()
            && missingInSinks(Instant.EPOCH, cutoff).isEmpty();
    }

    /**
     * What the sinks lack of what was acknowledged in the window: submissions not in PostgreSQL's or MongoDB's
     * assessments, bookings not in PostgreSQL's appointments; each entry names the store.
     */
    private List<String> missingInSinks(Instant from, Instant cutoff) {
        List<String> missing = new ArrayList<>();
        List<String> submissions = acknowledged.submissions.entrySet().stream().filter(e -> within(e.getValue(), from, cutoff))
            .map(Map.Entry::getKey).toList();
        List<String> bookings = acknowledged.bookings.values().stream().filter(b -> within(b.acknowledgedAt(), from, cutoff))
            .map(Acknowledged.Booking::bookingId).toList();
        if (!submissions.isEmpty()) {
            Set<String> pg = cluster.sinks().postgresAssessmentIds();
            submissions.stream().filter(id -> !pg.contains(id)).forEach(id -> missing.add("postgres triage_assessments: " + id));
            Set<String> mongo = cluster.sinks().mongoAssessmentIds();
            submissions.stream().filter(id -> !mongo.contains(id)).forEach(id -> missing.add("mongo assessments: " + id));
        }
        if (!bookings.isEmpty()) {
            Set<String> pg = cluster.sinks().appointmentIds();
            bookings.stream().filter(id -> !pg.contains(id)).forEach(id -> missing.add("postgres appointments: " + id));
        }
        return missing;
    }

    private static boolean within(Instant t, Instant from, Instant cutoff) {
        return t.isAfter(from) && !t.isAfter(cutoff);
    }

    /**
     * Whether the system moves again: a submission sent after {@code after} has been assessed and a booking sent after
     * it decided (through the ingest API, triage and scheduling).
     */
    boolean progressSince(Instant after) {
        boolean assessed = acknowledged.submissions.keySet().stream()
            .anyMatch(id -> acknowledged.sent.getOrDefault(id, Instant.EPOCH).isAfter(after) && outputs.assessments.containsKey(id));
        boolean decided = acknowledged.bookings.keySet().stream().anyMatch(id -> {
            OutputsReader.BookingHistory h = outputs.bookings.get(id);
            return acknowledged.sent.getOrDefault(id, Instant.EPOCH).isAfter(after) && h != null && h.decisions.get() > 0;
        });
        return assessed && decided;
    }

    private List<String> missingSubmissions(Instant from, Instant cutoff) {
        return acknowledged.submissions.entrySet().stream().filter(e -> within(e.getValue(), from, cutoff))
            .map(Map.Entry::getKey).filter(id -> !outputs.assessments.containsKey(id)).toList();
    }

    private List<String> missingBookings(Instant from, Instant cutoff) {
        return acknowledged.bookings.values().stream().filter(b -> within(b.acknowledgedAt(), from, cutoff))
            .map(Acknowledged.Booking::bookingId).filter(id -> {
                OutputsReader.BookingHistory h = outputs.bookings.get(id);
                return h == null || h.decisions.get() == 0;
            }).toList();
    }

    /**
     * Reminders of bookings confirmed before their reminder's time that fell due (with grace) after {@code from} and by
     * {@code cutoff}.
     */
    private List<Acknowledged.Booking> dueReminders(Instant from, Instant cutoff) {
        return acknowledged.bookings.values().stream().filter(Acknowledged.Booking::reminder)
            .filter(b -> within(b.slotStart().minus(ChaosCluster.REMINDER_OFFSET).plus(REMINDER_GRACE), from, cutoff))
            .filter(b -> {
                // A reminder whose time passed before the booking was confirmed is skipped by design, never due.
                OutputsReader.BookingHistory h = outputs.bookings.get(b.bookingId());
                return h != null && h.latest != null && h.latest.getStatus() == BookingStatus.CONFIRMED && h.latest.getDecidedAt() != null
                    && h.latest.getDecidedAt().isBefore(b.slotStart().minus(ChaosCluster.REMINDER_OFFSET));
            }).toList();
    }

    /** The stand-in's requests sending the reminder of {@code bookingId} (as a template, or as text in an open conversation). */
    private List<RecordedRequest> remindersFor(String bookingId) {
        return cluster.cloudApi().requestsTo("/messages").stream().filter(r -> r.notificationId() != null).filter(r -> {
            OutboundNotification n = outputs.notifications.get(r.notificationId());
            return n != null && REMINDER_TEMPLATE.equals(n.getTemplateId()) && bookingId.equals(n.getRelatedBookingId());
        }).toList();
    }

    /**
     * Waits (up to {@code deadline}) until everything acknowledged after {@code from} and by {@code cutoff} is visible
     * and every reminder due in that window was sent, then judges that window: what is still missing is lost. Duplicates
     * and conflicts are looked for everywhere and reported once, by the first check that sees them.
     */
    Verdict check(Instant from, Instant cutoff, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end && !(missingSubmissions(from, cutoff).isEmpty() && missingBookings(from, cutoff).isEmpty()
            && dueReminders(from, cutoff).stream().allMatch(b -> !remindersFor(b.bookingId()).isEmpty())
            && missingInSinks(from, cutoff).isEmpty())) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1000));
        }
        List<String> problems = new ArrayList<>();
        long lost = 0;
        long duplicated = 0;
        List<String> missingSubmissions = missingSubmissions(from, cutoff);
        List<String> missingBookings = missingBookings(from, cutoff);
        lost += missingSubmissions.size() + missingBookings.size();
        if (!missingSubmissions.isEmpty()) {
            problems.add(missingSubmissions.size() + " acknowledged submissions never assessed, e.g. " + sample(missingSubmissions));
        }
        if (!missingBookings.isEmpty()) {
            problems.add(missingBookings.size() + " acknowledged bookings never decided, e.g. " + sample(missingBookings));
        }
        List<String> twiceAssessed = fresh("assessed:", outputs.assessments.entrySet().stream().filter(e -> e.getValue().get() > 1)
            .map(Map.Entry::getKey).toList());
        List<String> twiceDecided = fresh("decided:", outputs.bookings.entrySet().stream().filter(e -> e.getValue().decisions.get() > 1)
            .map(Map.Entry::getKey).toList());
        duplicated += twiceAssessed.size() + twiceDecided.size();
        if (!twiceAssessed.isEmpty()) {
            problems.add(twiceAssessed.size() + " submissions assessed more than once, e.g. " + sample(twiceAssessed));
        }
        if (!twiceDecided.isEmpty()) {
            problems.add(twiceDecided.size() + " bookings decided more than once, e.g. " + sample(twiceDecided));
        }
        problems.addAll(fresh("conflict:", slotAndPatientConflicts()));
        List<String> notInSinks = missingInSinks(from, cutoff);
        lost += notInSinks.size();
        if (!notInSinks.isEmpty()) {
            problems.add(notInSinks.size() + " acknowledged writes missing from the sinks, e.g. " + sample(notInSinks));
        }

        long dueCount = 0;
        for (Acknowledged.Booking b : dueReminders(from, cutoff)) {
            dueCount++;
            List<RecordedRequest> sent = remindersFor(b.bookingId());
            if (sent.isEmpty()) {
                lost++;
                problems.add("the reminder of booking " + b.bookingId() + " (slot " + b.slotStart() + ") was never sent; "
                    + "streams-notifications says: " + reminderState(b));
            }
        }
        Map<String, Integer> sends = new HashMap<>();
        List<RecordedRequest> all = cluster.cloudApi().requests();
        for (int i = 0; i < all.size(); i++) {
            RecordedRequest r = all.get(i);
            if (!r.path().endsWith("/messages") || r.notificationId() == null) {
                continue;
            }
            sends.merge(r.notificationId(), 1, Integer::sum);
            OutboundNotification n = outputs.notifications.get(r.notificationId());
            if (n != null && REMINDER_TEMPLATE.equals(n.getTemplateId()) && n.getRelatedBookingId() != null) {
                Instant seen = firstSeen.get(i);
                Acknowledged.Booking b = acknowledged.bookings.get(n.getRelatedBookingId());
                if (b != null && seen != null && seen.isAfter(b.slotStart()) && reported.add("late:" + r.notificationId())) {
                    problems.add("the reminder " + r.notificationId() + " was sent after its appointment (" + b.slotStart() + ")");
                }
            }
        }
        List<String> twiceSent = sends.entrySet().stream().filter(e -> e.getValue() > 1 && reported.add("sent:" + e.getKey()))
            .map(e -> e.getKey() + " x" + e.getValue() + describe(outputs.notifications.get(e.getKey()))).toList();
        duplicated += twiceSent.size();
        if (!twiceSent.isEmpty()) {
            problems.add(twiceSent.size() + " notifications sent more than once at the WhatsApp stand-in: " + sample(twiceSent));
        }
        Map<String, Long> deadLetters = deadLetters();
        deadLetters.forEach((topic, count) -> {
            long before = reportedDeadLetters.getOrDefault(topic, 0L);
            if (count > before) {
                problems.add((count - before) + " records dead-lettered on " + topic);
                reportedDeadLetters.put(topic, count);
            }
        });
        long acked = acknowledged.submissions.values().stream().filter(t -> within(t, from, cutoff)).count()
            + acknowledged.bookings.values().stream().filter(b -> within(b.acknowledgedAt(), from, cutoff)).count();
        LOG.info("Checked {} to {}: {} acknowledged submissions and bookings, {} reminders due, {} sends; lost {}, duplicated {}{}",
            from, cutoff, acked, dueCount, sends.size(), lost, duplicated, problems.isEmpty() ? "" : "; " + problems);
        return new Verdict(acked, lost, duplicated, List.copyOf(problems));
    }

    /** From each booking's latest outcome: two confirmed bookings of one slot, or one patient's overlapping appointments. */
    private List<String> slotAndPatientConflicts() {
        Map<String, List<BookingOutcome>> bySlot = new HashMap<>();
        Map<String, List<BookingOutcome>> byPatient = new HashMap<>();
        for (OutputsReader.BookingHistory h : outputs.bookings.values()) {
            BookingOutcome o = h.latest;
            if (o == null || o.getStatus() != BookingStatus.CONFIRMED) {
                continue;
            }
            bySlot.computeIfAbsent(o.getProviderId() + "@" + o.getSlotStart(), k -> new ArrayList<>()).add(o);
            byPatient.computeIfAbsent(o.getPatientId(), k -> new ArrayList<>()).add(o);
        }
        List<String> problems = new ArrayList<>();
        bySlot.forEach((slot, held) -> {
            if (held.size() > 1) {
                problems.add("slot confirmed " + held.size() + " times: bookings " + held.stream().map(BookingOutcome::getBookingId).toList());
            }
        });
        byPatient.forEach((patient, held) -> {
            for (int i = 0; i < held.size(); i++) {
                for (int j = i + 1; j < held.size(); j++) {
                    BookingOutcome a = held.get(i);
                    BookingOutcome b = held.get(j);
                    if (a.getSlotStart().isBefore(b.getSlotEnd()) && b.getSlotStart().isBefore(a.getSlotEnd())) {
                        problems.add("overlapping appointments of one patient: bookings " + a.getBookingId() + " and " + b.getBookingId());
                    }
                }
            }
        });
        return problems;
    }

    /** Records on each dead-letter topic so far (end offsets: nothing is deleted during a run). */
    private Map<String, Long> deadLetters() {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (Topic<?, ?> topic : Topics.all()) {
            if (topic.deadLetters()) {
                for (int p = 0; p < topic.partitions(); p++) {
                    request.put(new TopicPartition(topic.name(), p), OffsetSpec.latest());
                }
            }
        }
        Map<String, Long> counts = new java.util.TreeMap<>();
        try {
            cluster.admin().listOffsets(request).all().get(30, TimeUnit.SECONDS)
                .forEach((tp, info) -> counts.merge(tp.topic(), info.offset(), Long::sum));
        } catch (Exception e) {
            // Not knowing is not a pass: the scenario fails, saying why.
            counts.put("(the dead-letter topics, unreadable: " + e + ")", 1L);
        }
        return counts;
    }

    /** What streams-notifications' query API says of the booking's reminders (evidence for a reminder never sent). */
    private String reminderState(Acknowledged.Booking b) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (ChaosCluster.Instance instance : cluster.instances()) {
            if (!instance.app().equals("streams-notifications") || !instance.process().isAlive()) {
                continue;
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(instance.url() + "/v1/patients/" + b.patientId()
                    + "/reminders")).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    JsonNode root = JSON.readTree(r.body());
                    for (JsonNode booking : root.path("bookings")) {
                        if (booking.path("bookingId").asText().equals(b.bookingId())) {
                            return booking.path("reminders").toString();
                        }
                    }
                    return "no such booking among the patient's reminders";
                }
            } catch (IOException e) {
                // try the other instance
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return "(no answer)";
    }

    /** What a notification was (template, booking, idempotency key), for a report; never the patient or the phone. */
    private static String describe(OutboundNotification n) {
        return n == null ? "" : " (" + n.getTemplateId() + ", booking " + n.getRelatedBookingId() + ", idempotency key "
            + n.getIdempotencyKey() + ")";
    }

    /** Those of {@code found} no earlier check reported. */
    private List<String> fresh(String kind, List<String> found) {
        return found.stream().filter(id -> reported.add(kind + id)).toList();
    }

    private static String sample(List<String> ids) {
        return ids.subList(0, Math.min(5, ids.size())).toString();
    }

    @Override
    public void close() {
        watcher.shutdownNow();
        outputs.close();
    }
}
