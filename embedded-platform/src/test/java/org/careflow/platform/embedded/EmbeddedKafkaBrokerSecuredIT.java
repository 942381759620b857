package org.careflow.platform.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The secured mode against a real broker: no anonymous listener, passwords checked, and ACLs deny by default. */
class EmbeddedKafkaBrokerSecuredIT {

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final String TOPIC = "secured-it-events";
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.builder()
            .secured("broker", Map.of("broker", "broker-secret", "ops", "ops-secret", "app", "app-secret"), Set.of("ops"))
            .build().start();
        try (Admin admin = Admin.create(broker.clientProperties("ops"))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldRefuseAnAnonymousClientWhenItConnectsWithoutSasl() {
        Map<String, Object> anonymous = withTimeouts(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        long begin = System.nanoTime();

        try (Admin admin = Admin.create(anonymous)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                .as("no listener serves a client that does not log in")
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).as("the refusal comes within the client's timeout, not a hang")
            .isLessThan(DEADLINE);
    }

    @Test
    void shouldRefuseALoginWhenThePasswordIsWrong() {
        Map<String, Object> props = new HashMap<>(broker.clientProperties("ops"));
        props.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"ops\" password=\"guess\";");

        try (Admin admin = Admin.create(withTimeouts(props))) {
            assertThatThrownBy(() -> admin.listTopics().names().get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                .as("a wrong password is an authentication failure")
                .cause().isInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void shouldDenyAUserEverythingWhenNoAclAllowsIt() {
        try (KafkaProducer<String, String> producer = producer("app")) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, "k", "v")).get(DEADLINE.toSeconds(), TimeUnit.SECONDS))
                .as("allow.everyone.if.no.acl.found=false: a user without ACLs writes nothing")
                .cause().isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void shouldLetTheSuperUserListTopicsAndGrantAUserOneTopic() throws Exception {
        try (Admin ops = Admin.create(broker.clientProperties("ops"))) {
            assertThat(ops.listTopics().names().get(30, TimeUnit.SECONDS)).as("the ops super user sees every topic").contains(TOPIC);

            String granted = "secured-it-granted";
            ops.createTopics(List.of(new NewTopic(granted, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            ops.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, granted, PatternType.LITERAL),
                new AccessControlEntry("User:app", "*", AclOperation.WRITE, AclPermissionType.ALLOW)))).all().get(30, TimeUnit.SECONDS);

            try (KafkaProducer<String, String> producer = producer("app")) {
                // The ACL reaches the broker's authorizer through the metadata log: poll until it applies.
                Await.until("an ACL allowing WRITE on the topic lets the user write it", DEADLINE, () -> {
                    try {
                        return producer.send(new ProducerRecord<>(granted, "k", "v")).get(5, TimeUnit.SECONDS) != null;
                    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                        return false;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                });
            }
        }
    }

    private static KafkaProducer<String, String> producer(String user) {
        Map<String, Object> props = withTimeouts(broker.clientProperties(user));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) CLIENT_TIMEOUT.toMillis());
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) CLIENT_TIMEOUT.toMillis() * 2);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static Map<String, Object> withTimeouts(Map<String, Object> base) {
        Map<String, Object> props = new HashMap<>(base);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CLIENT_TIMEOUT.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CLIENT_TIMEOUT.toMillis());
        return props;
    }
}
