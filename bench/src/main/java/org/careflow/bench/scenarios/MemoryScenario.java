package org.careflow.bench.scenarios;

import org.careflow.bench.BenchSettings;
import org.careflow.bench.infra.BenchApps;
import org.careflow.bench.infra.BenchStack;
import org.careflow.bench.infra.ProcessMemory;
import org.careflow.config.ConfigSources;
import org.careflow.platform.embedded.ChildJvm;

import org.careflow.bench.infra.StreamsRuns;
import org.careflow.bench.report.Metric;
import org.careflow.bench.report.Progress;
import org.careflow.bench.report.ScenarioResult;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.careflow.events.notifications.ConsentSource;
import org.careflow.events.notifications.MessagingConsent;
import org.careflow.events.notifications.PatientContact;
import org.careflow.events.scheduling.BookingRequest;
import org.careflow.events.scheduling.LocalTimeRange;
import org.careflow.events.scheduling.ProviderSchedule;
import org.careflow.events.scheduling.WeeklySession;
import org.careflow.events.scheduling.Weekday;
import org.careflow.events.triage.TriageSubmission;
import org.careflow.notifications.NotificationsApp;
import org.careflow.notifications.NotificationsConfig;
import org.careflow.notifications.topology.NotificationsTopology;
import org.careflow.scheduling.SchedulingApp;
import org.careflow.scheduling.SchedulingConfig;
import org.careflow.scheduling.topology.SchedulingTopology;
import org.careflow.topics.BookingIds;
import org.careflow.topics.EventSerdes;
import org.careflow.topics.ProviderScheduleKeys;
import org.careflow.topics.Topic;
import org.careflow.topics.Topics;
import org.careflow.triage.TriageApp;
import org.careflow.triage.TriageConfig;
import org.careflow.triage.topology.TriageTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resident memory (RSS) of each streams app (streams-triage, streams-scheduling, streams-notifications) holding many
 * patients in its state (1M in full mode), with RocksDB bounded by {@code rocksdb.memory.bytes}. Each app runs in a JVM of
 * its own with a fixed heap, fed through its real input topics; once every app has consumed all its input (consumer-group
 * lag 0) and its RSS has settled, VmRSS and VmHWM are read from {@code /proc/PID/status}. The target is under
 * {@value #TARGET_RSS_MIB} MiB per app.
 */
public final class MemoryScenario implements Scenario {

    private static final Logger LOG = LoggerFactory.getLogger(MemoryScenario.class);

    public static final String NAME = "memory";
    static final String UNIT = "MiB";
    /** What issue #7 asks of each streams app with 1M patients. */
    static final long TARGET_RSS_MIB = 512;

    static final int FULL_PATIENTS = 1_000_000;
    static final int QUICK_PATIENTS = 2_000;
    public static final int SMOKE_PATIENTS = 300;

    /** Heap of every app's JVM; RocksDB's budget, thread stacks, metaspace and code come on top. */
    static final String HEAP = "256m";
    /** Log configuration of the apps (in the bench's resources): their own log goes to their stdout, that is the log file. */
    static final String CHILD_LOG_CONFIGURATION = "log4j2-bench-app.xml";
    /** Only in smoke mode: C1 alone, which starts the apps faster; it changes their memory, so never where figures count. */
    static final String SMOKE_JIT_OPTION = "-XX:TieredStopAtLevel=1";
    /** Share of the RocksDB budget the memtables may take: the apps' own default, set explicitly so the report says it. */
    static final int WRITE_BUFFER_PERCENT = 25;

    /** Synthetic indices of the triage submissions: above the pipeline's (from 0) and the ingest scenario's (from 1e9). */
    static final long FIRST_SUBMISSION_INDEX = 2_000_000_000L;

    /** Bookings per provider: each a slot of its own, so that every patient's booking is confirmed. */
    static final int BOOKINGS_PER_PROVIDER = 2_000;
    static final int SLOT_MINUTES = 10;
    static final LocalTime DAY_START = LocalTime.of(8, 0);
    static final LocalTime DAY_END = LocalTime.of(20, 0);
    static final int SLOTS_PER_DAY = (int) (Duration.between(DAY_START, DAY_END).toMinutes() / SLOT_MINUTES);
    /** Booked slots start this many days ahead: no reminder falls due while the scenario runs. */
    static final int FIRST_SLOT_DAY = 3;
    static final String APPOINTMENT_TYPE = "follow-up";

    /** How often group lag and RSS are looked at. */
    static final Duration POLL = Duration.ofMillis(500);
    /** Caught up: every app at lag 0 in this many consecutive looks. */
    static final int CAUGHT_UP_LOOKS = 2;
    /** RSS has settled when this many consecutive samples lie within {@link #SETTLED_TOLERANCE_BYTES} of each other. */
    static final int SETTLED_SAMPLES = 6;
    static final long SETTLED_TOLERANCE_BYTES = 4L * 1024 * 1024;
    /** Longest wait for RSS to settle; past it the last sample is reported, flagged as not settled. */
    static final Duration SETTLE_DEADLINE = Duration.ofSeconds(60);

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    /** One streams app under measurement. */
    private record App(String name, String mainClass, String applicationId, Path stateDir, Path configFile, Set<String> externalSources,
                       Set<String> internalSources) {

        Set<String> sources() {
            Set<String> all = new LinkedHashSet<>(externalSources);
            all.addAll(internalSources);
            return all;
        }
    }

    /** What was found about one app once all were loaded. */
    private record Measured(ProcessMemory memory, boolean settled, double settleSeconds, double loadSeconds, long stateBytes,
                            long changelogBytes, double cpuSeconds) {
    }

    public static String rssMetric(String app) {
        return app + " RSS";
    }

    public static String peakMetric(String app) {
        return app + " peak RSS";
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "resident memory (RSS) of streams-triage, streams-scheduling and streams-notifications, each in its own JVM, "
            + "with every patient in state and RocksDB bounded";
    }

    static int patients(BenchSettings settings) {
        return switch (settings.mode()) {
            case "full" -> FULL_PATIENTS;
            case "quick" -> QUICK_PATIENTS;
            default -> SMOKE_PATIENTS;
        };
    }

    @Override
    public ScenarioResult run(BenchContext context, BenchSettings settings) throws Exception {
        long begin = System.nanoTime();
        Map<String, Object> details = new LinkedHashMap<>();
        if (!ProcessMemory.available()) {
            // Loading a million patients would be for nothing: there is no /proc to read their RSS from.
            details.put("rss", "unavailable: no /proc/PID/status on " + System.getProperty("os.name"));
            context.progress().say("  memory: skipped, resident memory is only read on Linux (/proc/PID/status)");
            return new ScenarioResult(NAME, description(), List.of(), details, (System.nanoTime() - begin) / 1e9);
        }
        BenchStack stack = context.stack();
        int patients = patients(settings);
        int providers = (patients + BOOKINGS_PER_PROVIDER - 1) / BOOKINGS_PER_PROVIDER;
        List<String> jvmOptions = new ArrayList<>(List.of("-Xmx" + HEAP));
        jvmOptions.addAll(ChildJvm.quietJvmOptions());
        if (patients == SMOKE_PATIENTS) {
            // The smoke test's figures mean nothing; three cold JVMs compiling with C2 at once cost it most of its time.
            jvmOptions.add(SMOKE_JIT_OPTION);
        }

        List<App> apps = apps(context, settings);
        List<ChildJvm> children = new ArrayList<>();
        Map<String, Measured> measured = new LinkedHashMap<>();
        double prefillSeconds;
        try {
            // Each app starts after everything earlier scenarios wrote to the shared topics: only this scenario's patients count.
            Map<String, Map<TopicPartition, Long>> startOffsets = new LinkedHashMap<>();
            for (App app : apps) {
                startOffsets.put(app.name(), commitEndOffsets(stack.admin(), app));
            }
            long prefillBegin = System.nanoTime();
            prefill(context, patients, providers);
            prefillSeconds = (System.nanoTime() - prefillBegin) / 1e9;

            for (App app : apps) {
                children.add(ChildJvm.builder(app.name(), app.mainClass()).jvmOptions(jvmOptions)
                    .args(List.of("--config", app.configFile().toString())).logFile(settings.outputDir().resolve("memory-" + app.name() + ".log"))
                    .logConfiguration(CHILD_LOG_CONFIGURATION).withoutEnvironment(ConfigSources.ENV_PREFIX).build().start());
            }
            Map<String, Double> loadSeconds = awaitCaughtUp(context, apps, children, startOffsets);
            Map<String, Settling> settled = settle(context, children);
            for (int i = 0; i < apps.size(); i++) {
                App app = apps.get(i);
                ChildJvm child = children.get(i);
                child.requireAlive();
                Settling s = settled.get(app.name());
                // The peak is read last, so that it covers the settling too.
                ProcessMemory now = ProcessMemory.of(child.pid()).orElseThrow(() -> new IllegalStateException("Cannot read the RSS of " + app.name()));
                measured.put(app.name(), new Measured(new ProcessMemory(s.last(), now.peakBytes()), s.settled(), s.seconds(),
                    loadSeconds.get(app.name()), directorySize(app.stateDir()), changelogBytes(stack.admin(), app), child.cpuSeconds()));
            }
        } finally {
            stopAll(children);
            for (App app : apps) {
                stack.deleteDirectory("memory/" + app.applicationId());
                stack.deleteTopicsStartingWith(app.applicationId() + "-");
            }
        }

        List<Metric> metrics = new ArrayList<>();
        Map<String, Object> perApp = new LinkedHashMap<>();
        measured.forEach((app, m) -> {
            metrics.add(Metric.of(rssMetric(app), UNIT, List.of(m.memory().rssMiB())));
            metrics.add(Metric.of(peakMetric(app), UNIT, List.of(m.memory().peakMiB())));
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("rssMiB", round1(m.memory().rssMiB()));
            d.put("peakRssMiB", round1(m.memory().peakMiB()));
            d.put("underTarget", m.memory().rssMiB() < TARGET_RSS_MIB && m.memory().peakMiB() < TARGET_RSS_MIB);
            d.put("loadSeconds", round1(m.loadSeconds()));
            d.put("settled", m.settled());
            d.put("settleSeconds", round1(m.settleSeconds()));
            d.put("stateDirBytes", m.stateBytes());
            d.put("changelogBytes", m.changelogBytes());
            d.put("cpuSeconds", round1(m.cpuSeconds()));
            d.put("log", settings.outputDir().resolve("memory-" + app + ".log").toAbsolutePath().toString());
            perApp.put(app, d);
        });
        details.put("patients", patients);
        details.put("rocksDbMemoryBytes", settings.rocksDbMemoryBytes());
        details.put("rocksDbBudget", settings.rocksDbMemoryBytes() == 0 ? "unbounded (RocksDB's defaults per store)"
            : "rocksdb.memory.bytes=" + settings.rocksDbMemoryBytes() + " shared by every store of each app, memtables up to "
                + WRITE_BUFFER_PERCENT + "% of it");
        details.put("heap", "-Xmx" + HEAP);
        details.put("jvmOptions", jvmOptions);
        details.put("targetRssMiB", TARGET_RSS_MIB);
        details.put("apps", perApp);
        details.put("inputs", Map.of(
            "streams-triage", patients + " triage submissions on " + Topics.TRIAGE_SUBMISSIONS.name() + ", one per patient",
            "streams-scheduling", providers + " provider schedules (" + DAY_START + "-" + DAY_END + " every day, " + SLOT_MINUTES
                + "-minute slots, UTC) and " + patients + " booking requests, one per patient, each for a slot of its own, "
                + BOOKINGS_PER_PROVIDER + " per provider, from " + FIRST_SLOT_DAY + " days ahead: every booking is confirmed, so each "
                + "patient has an appointment, a held-then-booked slot, a provider booking and a booking-table row",
            "streams-notifications", patients + " patient contacts (one phone each) on " + Topics.PATIENT_CONTACTS.name()
                + ", plus what the other two emit as in production: streams-scheduling's booking outcomes (each confirmed booking "
                + "gets its reminders planned and a confirmation sent and tracked) and streams-triage's deterioration alerts; "
                + "dispatcher off"));
        details.put("prefillSeconds", round1(prefillSeconds));
        details.put("rounds", "one: loading the patients takes minutes, and a loaded app's RSS varies little");
        details.put("measuredFrom", "the three apps run at once, each in a JVM of its own started by the bench; each app's consumer "
            + "group starts at the end of the topics as they were before this scenario's input was written; loaded = every app's "
            + "group at lag 0 on all its source and repartition topics in " + CAUGHT_UP_LOOKS + " consecutive looks "
            + POLL.toMillis() + " ms apart; loadSeconds = from the app's JVM start to its lag reaching 0 for good; then RSS "
            + "(VmRSS of /proc/PID/status) is sampled every " + POLL.toMillis() + " ms until " + SETTLED_SAMPLES
            + " samples lie within " + SETTLED_TOLERANCE_BYTES / (1024 * 1024) + " MiB (at most " + SETTLE_DEADLINE.toSeconds()
            + " s); RSS = the last sample, peak = VmHWM (the highest RSS since the JVM started, loading included); stateDirBytes = "
            + "the app's state directory on disk (small while the stores' data is still in memtables: Kafka Streams writes no "
            + "RocksDB WAL), changelogBytes = the app's changelog topics on the broker (the state as written, before compaction); "
            + "cpuSeconds = CPU time of the app's JVM from start to measurement");
        return new ScenarioResult(NAME, description(), metrics, details, (System.nanoTime() - begin) / 1e9);
    }

    /** The three apps, with their configuration written, and the topics each reads (from its topology). */
    private static List<App> apps(BenchContext context, BenchSettings settings) {
        BenchStack stack = context.stack();
        EventSerdes serdes = stack.serdes();
        List<App> apps = new ArrayList<>();
        apps.add(app(context, settings, "streams-triage", TriageApp.class, "bench-memory-triage", Map.of(),
            props -> TriageTopology.build(new TriageConfig(props), serdes)));
        apps.add(app(context, settings, "streams-scheduling", SchedulingApp.class, "bench-memory-scheduling", Map.of(),
            props -> SchedulingTopology.build(new SchedulingConfig(props), serdes)));
        // No dispatcher (its own app): it would send through WhatsApp and webhooks, which is not what is measured here.
        apps.add(app(context, settings, "streams-notifications", NotificationsApp.class, "bench-memory-notifications", Map.of(),
            props -> NotificationsTopology.build(new NotificationsConfig(props), serdes)));
        return apps;
    }

    private static App app(BenchContext context, BenchSettings settings, String name, Class<?> mainClass, String idPrefix,
                           Map<String, String> own, Function<Map<String, Object>, Topology> topology) {
        BenchStack stack = context.stack();
        String applicationId = context.uniqueName(idPrefix);
        Path stateDir = stack.newDirectory("memory/" + applicationId + "/state");
        Map<String, Object> props = BenchApps.streamsApp(stack, "127.0.0.1", applicationId, stateDir)
            .rocksDbMemory(settings.rocksDbMemoryBytes(), WRITE_BUFFER_PERCENT)
            .overrides(own)
            .appConfig();
        Path configFile = stack.newDirectory("memory/" + applicationId).resolve(name + ".properties");
        Properties file = new Properties();
        props.forEach((k, v) -> file.setProperty(k, String.valueOf(v)));
        try (OutputStream out = Files.newOutputStream(configFile)) {
            file.store(out, "written by the bench's memory scenario");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + configFile, e);
        }
        Set<String> catalogue = new LinkedHashSet<>(Topics.all().stream().map(Topic::name).toList());
        Set<String> external = new LinkedHashSet<>();
        Set<String> internal = new LinkedHashSet<>();
        for (TopologyDescription.Subtopology sub : topology.apply(props).describe().subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                    for (String topic : source.topicSet()) {
                        if (catalogue.contains(topic)) {
                            external.add(topic);
                        } else {
                            // A repartition topic: the description names it without the application id.
                            internal.add(applicationId + "-" + topic);
                        }
                    }
                }
            }
        }
        return new App(name, mainClass.getName(), applicationId, stateDir, configFile, external, internal);
    }

    /**
     * Commits, for the app's consumer group (its application id), the current end offset of every catalogue topic it
     * reads, so that it starts after what earlier scenarios wrote there. Returns those offsets.
     */
    private static Map<TopicPartition, Long> commitEndOffsets(Admin admin, App app) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (TopicDescription topic : admin.describeTopics(app.externalSources()).allTopicNames().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).values()) {
            topic.partitions().forEach(p -> request.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest()));
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(request).all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        ends.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
        admin.alterConsumerGroupOffsets(app.applicationId(), commit).all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return ends;
    }

    /** Writes every patient's input: submissions, provider schedules then booking requests, contacts. */
    private static void prefill(BenchContext context, int patients, int providers) {
        BenchStack stack = context.stack();
        SyntheticData data = context.data();
        Instant now = Instant.now();
        long seed = data.seed();
        try (Serde<TriageSubmission> submissions = stack.serdes().valueSerde(Topics.TRIAGE_SUBMISSIONS);
             Serde<ProviderSchedule> schedules = stack.serdes().valueSerde(Topics.PROVIDER_SCHEDULES);
             Serde<BookingRequest> requests = stack.serdes().valueSerde(Topics.BOOKING_REQUESTS);
             Serde<PatientContact> contacts = stack.serdes().valueSerde(Topics.PATIENT_CONTACTS)) {
            Prefill.write(context, "pre-fill " + Topics.TRIAGE_SUBMISSIONS.name() + " (memory)", 0, patients, submissions.serializer(), j -> {
                // A synthetic patient's vital signs, submitted as one of this scenario's own patients.
                TriageSubmission submission = data.submission(FIRST_SUBMISSION_INDEX + j);
                submission.setPatientId(patientId(seed, j));
                return new ProducerRecord<>(Topics.TRIAGE_SUBMISSIONS.name(), null, submission.getSubmittedAt().toEpochMilli(),
                    submission.getPatientId(), submission);
            });
            // Schedules carry an earlier timestamp than the requests: each provider's task applies its schedule first.
            int schedulePartitions = stack.partitions(Topics.PROVIDER_SCHEDULES.name());
            Prefill.write(context, "pre-fill " + Topics.PROVIDER_SCHEDULES.name() + " (memory)", 0, providers, schedules.serializer(), k -> {
                ProviderSchedule schedule = schedule(data, seed, (int) k, now);
                return new ProducerRecord<>(Topics.PROVIDER_SCHEDULES.name(), ProviderScheduleKeys.partition(schedule.getProviderId(), schedulePartitions),
                    now.minusSeconds(60).toEpochMilli(), ProviderScheduleKeys.of(schedule.getProviderId(), schedule.getFacilityId()), schedule);
            });
            Instant firstDay = now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(FIRST_SLOT_DAY));
            Prefill.write(context, "pre-fill " + Topics.BOOKING_REQUESTS.name() + " (memory)", 0, patients, requests.serializer(), j -> {
                BookingRequest request = request(seed, j, providers, firstDay, now);
                return new ProducerRecord<>(Topics.BOOKING_REQUESTS.name(), null, now.toEpochMilli(), request.getProviderId(), request);
            });
            Prefill.write(context, "pre-fill " + Topics.PATIENT_CONTACTS.name() + " (memory)", 0, patients, contacts.serializer(), j -> {
                PatientContact contact = contact(seed, j, now);
                return new ProducerRecord<>(Topics.PATIENT_CONTACTS.name(), null, now.toEpochMilli(), contact.getPatientId(), contact);
            });
        }
    }

    static String patientId(long seed, long j) {
        return String.format(Locale.ROOT, "bench-memory-%x-%07d", seed, j + 1);
    }

    static String providerId(long seed, int k) {
        return String.format(Locale.ROOT, "bench-memory-%x-provider-%04d", seed, k + 1);
    }

    static ProviderSchedule schedule(SyntheticData data, long seed, int k, Instant now) {
        List<WeeklySession> week = Arrays.stream(Weekday.values())
            .map(day -> WeeklySession.newBuilder().setDay(day)
                .setHours(LocalTimeRange.newBuilder().setStartTime(DAY_START).setEndTime(DAY_END).build()).build())
            .toList();
        return ProviderSchedule.newBuilder()
            .setEventId(providerId(seed, k) + "-schedule")
            .setOccurredAt(now)
            .setProviderId(providerId(seed, k))
            .setFacilityId(data.facilityIds().get(k % data.facilityIds().size()))
            .setTimeZone(ZoneOffset.UTC.getId())
            .setSlotMinutes(SLOT_MINUTES)
            .setAppointmentTypes(List.of(APPOINTMENT_TYPE))
            .setWeeklyTemplate(week)
            .setTimeOff(List.of())
            .setExtraSessions(List.of())
            .build();
    }

    /** Patient {@code j} books slot {@code j / providers} of provider {@code j % providers}: a slot nobody else wants. */
    static BookingRequest request(long seed, long j, int providers, Instant firstDay, Instant now) {
        int provider = (int) (j % providers);
        long slot = j / providers;
        Instant start = firstDay.plus(Duration.ofDays(slot / SLOTS_PER_DAY))
            .plus(Duration.ofMinutes(DAY_START.toSecondOfDay() / 60 + (slot % SLOTS_PER_DAY) * SLOT_MINUTES));
        String bookingId = String.format(Locale.ROOT, "bench-memory-%x-booking-%07d", seed, j + 1);
        return BookingRequest.newBuilder()
            .setEventId(bookingId)
            .setOccurredAt(now)
            .setBookingId(BookingIds.of(null, patientId(seed, j), providerId(seed, provider), bookingId))
            .setClientBookingId(bookingId)
            .setPatientId(patientId(seed, j))
            .setProviderId(providerId(seed, provider))
            .setSlotStart(start)
            .setAppointmentType(APPOINTMENT_TYPE)
            .setRequestedAt(now)
            .build();
    }

    static PatientContact contact(long seed, long j, Instant now) {
        return PatientContact.newBuilder()
            .setEventId(String.format(Locale.ROOT, "bench-memory-%x-contact-%07d", seed, j + 1))
            .setOccurredAt(now)
            .setPatientId(patientId(seed, j))
            // A number of its own per patient (fictitious), so that the phone index holds one entry per patient.
            .setPhone(String.format(Locale.ROOT, "+4477%08d", j))
            .setLanguage("en-GB")
            .setTimeZone("Europe/London")
            .setConsent(MessagingConsent.newBuilder().setGranted(true).setSource(ConsentSource.API).setConsentedAt(now).build())
            .build();
    }

    /**
     * Waits until every app has consumed everything on its source and repartition topics, checking that each child
     * still runs; returns, per app, seconds from its JVM's start to its lag reaching 0 for good.
     */
    private static Map<String, Double> awaitCaughtUp(BenchContext context, List<App> apps, List<ChildJvm> children,
                                                     Map<String, Map<TopicPartition, Long>> startOffsets) throws Exception {
        Admin admin = context.stack().admin();
        // The input written for this scenario; what the apps emit for each other comes on top and is not counted here.
        long input = 0;
        Map<String, Map<TopicPartition, Long>> inputEnds = new HashMap<>();
        for (App app : apps) {
            Map<TopicPartition, Long> start = startOffsets.get(app.name());
            Map<TopicPartition, Long> ends = endOffsets(admin, start.keySet());
            inputEnds.put(app.name(), ends);
            input += ends.entrySet().stream().mapToLong(e -> e.getValue() - start.get(e.getKey())).sum();
        }
        long startNanos = System.nanoTime();
        Duration deadline = StreamsRuns.drainDeadline(input);
        StreamsRuns.Watchdog watchdog = new StreamsRuns.Watchdog("the memory scenario's apps", input, startNanos, deadline);
        Map<String, Long> zeroSince = new HashMap<>();
        Map<String, Set<TopicPartition>> partitions = new HashMap<>();
        int caughtUpLooks = 0;
        try (Progress.Task task = context.progress().start("loading the apps (memory)", input, "input records")) {
            while (true) {
                for (ChildJvm child : children) {
                    child.requireAlive();
                }
                // Committed offsets before end offsets: whatever an app committed it has written, so its output is in the ends.
                Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new HashMap<>();
                for (App app : apps) {
                    committed.put(app.name(), admin.listConsumerGroupOffsets(app.applicationId()).partitionsToOffsetAndMetadata()
                        .get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
                }
                boolean everyTopicThere = true;
                Set<TopicPartition> all = new LinkedHashSet<>();
                for (App app : apps) {
                    Set<TopicPartition> known = partitions.computeIfAbsent(app.name(), n -> new LinkedHashSet<>());
                    if (known.stream().map(TopicPartition::topic).distinct().count() < app.sources().size()) {
                        known.addAll(partitionsOf(admin, app.sources()));
                    }
                    everyTopicThere &= known.stream().map(TopicPartition::topic).distinct().count() == app.sources().size();
                    all.addAll(known);
                }
                Map<TopicPartition, Long> ends = endOffsets(admin, all);
                long now = System.nanoTime();
                long consumed = 0;
                long progress = 0;
                boolean allZero = everyTopicThere;
                for (App app : apps) {
                    Map<TopicPartition, OffsetAndMetadata> offsets = committed.get(app.name());
                    long lag = 0;
                    for (TopicPartition tp : partitions.get(app.name())) {
                        OffsetAndMetadata c = offsets.get(tp);
                        long position = c == null ? 0 : c.offset();
                        lag += Math.max(0, ends.get(tp) - position);
                        consumed += position;
                        Long start = startOffsets.get(app.name()).get(tp);
                        if (start != null) {
                            progress += Math.max(0, Math.min(position, inputEnds.get(app.name()).get(tp)) - start);
                        }
                    }
                    if (lag == 0 && everyTopicThere) {
                        zeroSince.putIfAbsent(app.name(), now);
                    } else {
                        zeroSince.remove(app.name());
                        allZero = false;
                    }
                }
                task.set(progress);
                caughtUpLooks = allZero ? caughtUpLooks + 1 : 0;
                if (caughtUpLooks >= CAUGHT_UP_LOOKS) {
                    task.finish(String.format(Locale.ROOT, "%,d input records consumed by %d apps", progress, apps.size()));
                    break;
                }
                watchdog.check(consumed);
                LockSupport.parkNanos(POLL.toNanos());
            }
        }
        Map<String, Double> loadSeconds = new LinkedHashMap<>();
        for (int i = 0; i < apps.size(); i++) {
            loadSeconds.put(apps.get(i).name(), (zeroSince.get(apps.get(i).name()) - children.get(i).startedNanos()) / 1e9);
        }
        return loadSeconds;
    }

    private static Set<TopicPartition> partitionsOf(Admin admin, Set<String> topics) throws InterruptedException, TimeoutException {
        Set<TopicPartition> out = new LinkedHashSet<>();
        for (String topic : topics) {
            try {
                TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(topic);
                description.partitions().forEach(p -> out.add(new TopicPartition(topic, p.partition())));
            } catch (ExecutionException e) {
                // A repartition topic the app has not created yet: looked for again at the next look.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("Cannot describe " + topic, e.getCause());
                }
            }
        }
        return out;
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, Set<TopicPartition> partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listOffsets(request).all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** RSS samples of one child until they settled (or the deadline passed). */
    private record Settling(long last, boolean settled, double seconds) {
    }

    /** Samples every child's RSS until each has settled, all at once; returns the last sample of each. */
    private static Map<String, Settling> settle(BenchContext context, List<ChildJvm> children) {
        Map<String, List<Long>> samples = new LinkedHashMap<>();
        Map<String, Settling> done = new LinkedHashMap<>();
        children.forEach(c -> samples.put(c.name(), new ArrayList<>()));
        long begin = System.nanoTime();
        try (Progress.Task task = context.progress().timed("letting RSS settle (memory)", SETTLE_DEADLINE)) {
            while (done.size() < children.size()) {
                boolean late = System.nanoTime() - begin > SETTLE_DEADLINE.toNanos();
                for (ChildJvm child : children) {
                    if (done.containsKey(child.name())) {
                        continue;
                    }
                    child.requireAlive();
                    List<Long> rss = samples.get(child.name());
                    rss.add(ProcessMemory.of(child.pid()).orElseThrow(() -> new IllegalStateException("Cannot read the RSS of " + child.name())).rssBytes());
                    List<Long> window = rss.subList(Math.max(0, rss.size() - SETTLED_SAMPLES), rss.size());
                    boolean stable = window.size() == SETTLED_SAMPLES
                        && window.stream().mapToLong(Long::longValue).max().orElseThrow()
                        - window.stream().mapToLong(Long::longValue).min().orElseThrow() <= SETTLED_TOLERANCE_BYTES;
                    if (stable || late) {
                        if (!stable) {
                            LOG.warn("The RSS of {} had not settled after {} s; reporting its last sample", child.name(), SETTLE_DEADLINE.toSeconds());
                        }
                        done.put(child.name(), new Settling(rss.get(rss.size() - 1), stable, (System.nanoTime() - begin) / 1e9));
                    }
                }
                if (done.size() < children.size()) {
                    LockSupport.parkNanos(POLL.toNanos());
                }
            }
            task.finish(String.format(Locale.ROOT, "%d apps settled of %d", done.values().stream().filter(Settling::settled).count(),
                children.size()));
        }
        return done;
    }

    private static void stopAll(List<ChildJvm> children) {
        // SIGTERM to all first, so that they close in parallel; each close() then waits (and kills if need be).
        children.forEach(ChildJvm::signalStop);
        for (ChildJvm child : children) {
            try {
                child.close();
            } catch (RuntimeException e) {
                LOG.warn("Could not stop {}: {}", child.name(), e.toString());
            }
        }
    }

    /** Bytes of the app's changelog topics in the broker's log directories; -1 if they cannot be read. */
    private static long changelogBytes(Admin admin, App app) {
        try {
            List<Integer> brokers = admin.describeCluster().nodes().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).stream()
                .map(node -> node.id()).toList();
            String prefix = app.applicationId() + "-";
            return admin.describeLogDirs(brokers).allDescriptions().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS).values().stream()
                .flatMap(dirs -> dirs.values().stream())
                .flatMap(dir -> dir.replicaInfos().entrySet().stream())
                .filter(e -> e.getKey().topic().startsWith(prefix) && e.getKey().topic().endsWith("-changelog"))
                .mapToLong(e -> e.getValue().size())
                .sum();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Could not read the changelog sizes of {}: {}", app.name(), e.toString());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static long directorySize(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    return 0; // a file RocksDB deleted while we walked
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not measure {}: {}", directory, e.toString());
            return -1;
        }
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
