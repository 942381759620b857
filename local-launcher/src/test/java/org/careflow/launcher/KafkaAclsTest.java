package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.careflow.connectors.ConnectorConfigs;
import org.careflow.topics.PlainAvroEventSerdes;
import org.careflow.topics.Topic;
import org.careflow.topics.Topics;
import org.careflow.triage.TriageConfig;
import org.careflow.triage.topology.TriageTopology;
import org.junit.jupiter.api.Test;

/** The ACL rule: lists that code cannot derive are checked against the code, and derived grants stay narrow. */
class KafkaAclsTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("org.careflow.ingest", "org.careflow.dispatch", "org.careflow.query");

    @Test
    void shouldGrantTheIngestApiExactlyTheCatalogueTopicsItsCodeUsesWhenRoutesChange() {
        Set<String> granted = names(KafkaAcls.INGEST_WRITES);
        granted.addAll(names(KafkaAcls.INGEST_READS));

        assertThat(catalogueTopicsUsedIn("org.careflow.ingest"))
            .as("KafkaAcls.INGEST_WRITES/INGEST_READS must list every topic the ingest API uses (and no other): update them with its routes")
            .isEqualTo(granted);
    }

    @Test
    void shouldGrantTheDispatcherTheTopicsItsCodeWritesWhenItChanges() {
        Set<String> used = catalogueTopicsUsedIn("org.careflow.dispatch");
        Set<String> granted = names(KafkaAcls.DISPATCHER_WRITES);
        granted.addAll(names(KafkaAcls.DISPATCHER_READS));

        assertThat(used).as("KafkaAcls.DISPATCHER_WRITES/DISPATCHER_READS must list what the dispatcher uses").isEqualTo(granted);
        used.remove(Topics.OUTBOUND_NOTIFICATIONS.name()); // only read
        assertThat(used).as("KafkaAcls.DISPATCHER_WRITES must list what the dispatcher writes").isEqualTo(names(KafkaAcls.DISPATCHER_WRITES));
        assertThat(catalogueTopicsUsedIn("org.careflow.query"))
            .as("the query layer writes only the audit topic, and its metrics read only the dead-letter replay ledger")
            .containsExactlyInAnyOrder(KafkaAcls.QUERY_AUDIT.name(), Topics.DEAD_LETTER_REPLAYS.name());
    }

    @Test
    void shouldGrantTheDispatcherItsGroupAndTopicsOnlyWhenItRunsAsItsOwnUser() {
        List<AclBinding> acls = KafkaAcls.dispatcher("notifications-dispatcher", "careflow-notifications-dispatcher");

        assertThat(literalTopics(acls, AclOperation.READ)).containsExactlyInAnyOrder(Topics.OUTBOUND_NOTIFICATIONS.name(),
            Topics.NOTIFICATION_STATUSES.name(), Topics.OUTBOUND_DEAD_LETTERS.name(), Topics.NOTIFICATIONS_DEAD_LETTERS.name(),
            Topics.DEAD_LETTER_REPLAYS.name());
        assertThat(literalTopics(acls, AclOperation.WRITE)).containsExactlyInAnyOrder(Topics.NOTIFICATION_STATUSES.name(),
            Topics.OUTBOUND_DEAD_LETTERS.name(), Topics.NOTIFICATIONS_DEAD_LETTERS.name());
        assertThat(acls).filteredOn(b -> b.pattern().resourceType() == ResourceType.GROUP).extracting(b -> b.pattern().name())
            .containsExactly("careflow-notifications-dispatcher");
        assertThat(acls).filteredOn(b -> b.pattern().patternType() != PatternType.LITERAL).as("no prefixed grant").isEmpty();
        assertThat(acls).filteredOn(b -> b.pattern().resourceType() == ResourceType.CLUSTER
            || b.pattern().resourceType() == ResourceType.TRANSACTIONAL_ID).as("no cluster or transactional grant").isEmpty();
    }

    @Test
    void shouldGrantTriageOnlyItsTopologysTopicsAndItsOwnPrefixWhenDerivedFromTheTopology() {
        TriageConfig config = new TriageConfig(Map.of());
        List<AclBinding> acls = KafkaAcls.streamsApp("streams-triage", config.streamsProperties(0),
            TriageTopology.build(config, new PlainAvroEventSerdes()), List.of());

        // (its dead-letter topic and the replay ledger are read by the metrics that count what waits there)
        assertThat(literalTopics(acls, AclOperation.READ)).containsExactlyInAnyOrder(Topics.TRIAGE_FORMS.name(),
            Topics.TRIAGE_SUBMISSIONS.name(), Topics.TRIAGE_DISPOSITIONS.name(), Topics.TRIAGE_DEAD_LETTERS.name(),
            Topics.DEAD_LETTER_REPLAYS.name());
        assertThat(literalTopics(acls, AclOperation.WRITE)).contains(Topics.TRIAGE_ASSESSMENTS.name(), Topics.TRIAGE_DEAD_LETTERS.name(),
                Topics.AUDIT_EVENTS.name())
            .doesNotContain(Topics.PATIENT_CONTACTS.name(), Topics.BOOKING_OUTCOMES.name());
        assertThat(acls).filteredOn(b -> b.pattern().patternType() == PatternType.PREFIXED)
            .allSatisfy(b -> assertThat(b.pattern().name()).as("prefixed grants stay inside the application id").isEqualTo("careflow-triage-"));
        assertThat(acls).filteredOn(b -> b.pattern().resourceType() == ResourceType.CLUSTER).as("no cluster-wide grant").isEmpty();
        assertThat(acls).filteredOn(b -> b.pattern().resourceType() == ResourceType.TRANSACTIONAL_ID)
            .extracting(b -> b.pattern().name()).containsExactly("careflow-triage-");
    }

    @Test
    void shouldGrantConnectWhatItsConnectorConfigurationsNameWhenDerived() {
        List<AclBinding> acls = KafkaAcls.connect("connect", "careflow-connect", List.of(
            new ConnectorConfigs.Connector("sink", Map.of("topics", "triage-assessments, message-log",
                "errors.deadletterqueue.topic.name", "connect-dead-letters")),
            new ConnectorConfigs.Connector("cdc", Map.of("topic.prefix", "masterdata"))));

        assertThat(literalTopics(acls, AclOperation.READ)).containsExactlyInAnyOrder("triage-assessments", "message-log");
        assertThat(literalTopics(acls, AclOperation.WRITE)).containsExactly("connect-dead-letters");
        assertThat(acls).filteredOn(b -> b.pattern().resourceType() == ResourceType.GROUP).extracting(b -> b.pattern().name())
            .containsExactlyInAnyOrder("careflow-connect", "connect-sink");
        assertThat(acls).filteredOn(b -> b.pattern().patternType() == PatternType.PREFIXED).extracting(b -> b.pattern().name())
            .containsOnly("careflow-connect-", "masterdata.");
    }

    @Test
    void shouldRefuseATopicRegexWhenConnectAclsNeedNames() {
        assertThatThrownBy(() -> KafkaAcls.connect("connect", "g", List.of(new ConnectorConfigs.Connector("x", Map.of("topics.regex", ".*")))))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("topics.regex");
    }

    private static Set<String> catalogueTopicsUsedIn(String pkg) {
        Map<String, String> byField = Topics.all().stream().collect(Collectors.toMap(t -> fieldOf(t), Topic::name));
        return CLASSES.stream().filter(c -> c.getPackageName().startsWith(pkg))
            .flatMap(c -> c.getFieldAccessesFromSelf().stream())
            .filter(a -> a.getTarget().getOwner().isEquivalentTo(Topics.class))
            .map(JavaFieldAccess::getName)
            .filter(byField::containsKey)
            .map(byField::get)
            .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    /** The constant of {@link Topics} holding {@code topic}. */
    private static String fieldOf(Topic<?, ?> topic) {
        for (java.lang.reflect.Field f : Topics.class.getFields()) {
            try {
                if (f.get(null) == topic) {
                    return f.getName();
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("No constant for " + topic.name());
    }

    private static Set<String> names(List<Topic<?, ?>> topics) {
        return topics.stream().map(Topic::name).collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    private static List<String> literalTopics(List<AclBinding> acls, AclOperation operation) {
        return acls.stream().filter(b -> b.pattern().resourceType() == ResourceType.TOPIC && b.pattern().patternType() == PatternType.LITERAL
            && b.entry().operation() == operation).map(b -> b.pattern().name()).toList();
    }
}
