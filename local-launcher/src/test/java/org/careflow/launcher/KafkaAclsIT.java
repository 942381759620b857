package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.careflow.topics.Topic;
import org.careflow.topics.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka access in the whole local stack, tried as an outsider and as each app's user would: no anonymous client, no
 * guessed password, and each app touches only the topics its code uses. Each test names the invariant it checks.
 */
@Tag("integration")
class KafkaAclsIT {

    /** Short client timeouts: a refusal must come quickly, not after Kafka's default minute. */
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @TempDir
    static Path dataDir;
    private static LocalStack stack;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.start(StackOptions.ephemeral(dataDir));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @DisplayName("Invariant: the stack offers no anonymous Kafka address, and a client that does not log in gets nothing")
    void shouldRefuseAnUnauthenticatedClientWhenItListsTopics() {
        assertThat(stack.urls()).as("urls() offers no plain Kafka address").doesNotContainKey("Kafka");
        String bootstrap = stack.kafkaClientProperties().get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG).toString();
        long begin = System.nanoTime();

        try (Admin anonymous = Admin.create(timeouts(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)))) {
            assertThatThrownBy(() -> anonymous.listTopics().names().get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TimeoutException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).as("refused within the client's timeout").isLessThan(DEADLINE);
    }

    @Test
    @DisplayName("Invariant: a wrong password is refused at login")
    void shouldRefuseALoginWhenThePasswordIsWrong() {
        Map<String, Object> props = new HashMap<>(stack.kafkaClientProperties());
        props.put("sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"ops\" password=\"not-the-password\";");

        try (Admin admin = Admin.create(timeouts(props))) {
            assertThatThrownBy(() -> admin.listTopics().names().get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                .cause().isInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    @DisplayName("Invariant: the ingest API's user writes the input topics it publishes to")
    void shouldLetTheIngestUserWriteAnInputTopic() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer(LocalStack.INGEST)) {
            // Unreadable on purpose: streams-triage sends it to its dead-letter topic, and no patient's data changes.
            assertThat(producer.send(record(Topics.TRIAGE_SUBMISSIONS)).get(DEADLINE.toSeconds(), TimeUnit.SECONDS).topic())
                .isEqualTo(Topics.TRIAGE_SUBMISSIONS.name());
        }
    }

    @Test
    @DisplayName("Invariant: the ingest API's user cannot forge an app's output (triage-assessments)")
    void shouldRefuseTheIngestUserWhenItWritesAnOutputTopic() {
        try (KafkaProducer<byte[], byte[]> producer = producer(LocalStack.INGEST)) {
            assertThatThrownBy(() -> producer.send(record(Topics.TRIAGE_ASSESSMENTS)).get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                .cause().isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    @DisplayName("Invariant: the ingest API's user cannot read patients' contact details (patient-contacts), which it only writes")
    void shouldRefuseTheIngestUserWhenItReadsPatientContacts() {
        assertRefusedRead(LocalStack.INGEST, Topics.PATIENT_CONTACTS);
    }

    @Test
    @DisplayName("Invariant: streams-triage's user cannot read patient-contacts, which triage never uses")
    void shouldRefuseTheTriageUserWhenItReadsPatientContacts() {
        assertRefusedRead(LocalStack.TRIAGE, Topics.PATIENT_CONTACTS);
    }

    @Test
    @DisplayName("Invariant: streams-triage's user cannot write bookings (booking-outcomes), which only scheduling writes")
    void shouldRefuseTheTriageUserWhenItWritesBookingOutcomes() {
        try (KafkaProducer<byte[], byte[]> producer = producer(LocalStack.TRIAGE)) {
            assertThatThrownBy(() -> producer.send(record(Topics.BOOKING_OUTCOMES)).get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                .cause().isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    @DisplayName("Invariant: the ops super user sees every topic; the apps, running under their own users, are all RUNNING")
    void shouldLetTheOpsUserListEveryTopic() throws Exception {
        try (Admin ops = Admin.create(timeouts(stack.kafkaClientProperties()))) {
            assertThat(ops.listTopics().names().get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                .containsAll(Topics.all().stream().map(Topic::name).collect(Collectors.toSet()));
        }
        assertThat(List.of(stack.triage().streams().state(), stack.notifications().streams().state()))
            .containsOnly(org.apache.kafka.streams.KafkaStreams.State.RUNNING);
    }

    private static void assertRefusedRead(String user, Topic<?, ?> topic) {
        Map<String, Object> props = timeouts(stack.kafkaClientProperties(user));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            // No group: the refusal comes from the topic's ACL alone.
            consumer.assign(List.of(new TopicPartition(topic.name(), 0)));
            consumer.seekToBeginning(consumer.assignment());
            assertThatThrownBy(() -> consumer.poll(DEADLINE))
                .as("%s may not read %s", user, topic.name())
                .isInstanceOf(TopicAuthorizationException.class);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String user) {
        Map<String, Object> props = timeouts(stack.kafkaClientProperties(user));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) CLIENT_TIMEOUT.toMillis());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) CLIENT_TIMEOUT.toMillis() * 2);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static ProducerRecord<byte[], byte[]> record(Topic<?, ?> topic) {
        return new ProducerRecord<>(topic.name(), "acl-probe".getBytes(StandardCharsets.UTF_8), "not avro".getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, Object> timeouts(Map<String, Object> base) {
        Map<String, Object> props = new HashMap<>(base);
        props.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, (int) CLIENT_TIMEOUT.toMillis());
        props.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CLIENT_TIMEOUT.toMillis());
        return props;
    }
}
