package org.careflow.launcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.net.http.HttpClient;
import org.careflow.archfixture.TopicSpelledOutsideTheCatalogue;
import org.careflow.archfixture.topology.TopologyReadingAFile;
import org.careflow.fhir.archfixture.MappingReadingAStore;
import org.careflow.forms.archfixture.FormRuleAnsweringHttp;
import org.careflow.query.archfixture.SecondForwarder;
import org.careflow.scheduling.topology.SchedulingTopology;
import org.careflow.topics.Topic;
import org.careflow.triage.archfixture.TriageReadingSchedulingStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The layering of careflow's modules, checked on the compiled classes of every module on this classpath; each rule's
 * {@code because} says how to fix a failure. {@link Violations} shows each rule failing on a deliberate violation (the
 * fixture classes under {@code archfixture} packages of this module's tests), so a rule that can no longer fail is noticed.
 */
class LayeringTest {

    /** Domain rules: forms, NEWS2, slot generation, reminder policy, shared business rules and input validation. */
    static final String[] DOMAIN = {"org.careflow.forms..", "org.careflow.rules..", "org.careflow.validation..",
        "org.careflow.triage.news2..", "org.careflow.scheduling.slots..", "org.careflow.notifications.reminders.."};

    static final ArchRule DOMAIN_FREE_OF_HTTP_AND_KAFKA = noClasses().that().resideInAnyPackage(DOMAIN)
        .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "jakarta.servlet..", "org.eclipse.jetty..",
            "java.net.http..", "org.apache.kafka..", "org.careflow.http..", "org.careflow.query..")
        .because("domain rules are pure functions of their inputs, tested without a server or a broker: return a value or "
            + "throw InvalidInputException (validation module) and let the app's HTTP or streams layer turn it into a 400 "
            + "or an output record");

    static final ArchRule FHIR_MAPPING_FREE_OF_IO = noClasses().that().resideInAPackage("org.careflow.fhir..")
        .and().resideOutsideOfPackage("org.careflow.fhir.http..")
        .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "jakarta.servlet..", "org.eclipse.jetty..",
            "java.net.http..", "org.apache.kafka..", "org.careflow.query..", "org.careflow.http..")
        .because("the FHIR module maps values to resources and back, tested without a server or a broker: read stores in the "
            + "app's query package and pass the values in; only org.careflow.fhir.http meets the HTTP layer");

    static final ArchRule NO_APP_DEPENDS_ON_ANOTHER = slices()
        .matching("org.careflow.(triage|scheduling|notifications|masterdata|ingest|dispatch)..")
        .should().notDependOnEachOther()
        .because("apps share only contracts (schemas, the topic catalogue) and shared modules (domain-rules, http-kit, "
            + "streams-query, runtime-config): move what two apps need into the module that owns it");

    static final ArchRule TOPOLOGIES_FREE_OF_IO = noClasses().that().resideInAPackage("..topology..")
        .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "java.net..", "java.nio.file..", "java.sql..",
            "javax.net..", "org.apache.kafka.clients.producer..", "org.apache.kafka.clients.admin..",
            "org.careflow.platform.embedded..", "org.careflow.dispatch..")
        .because("a topology factory only builds the graph and its processors only read and write state stores and "
            + "records: do I/O in the app (queries in its query package, sending in the dispatcher)");

    static final ArchRule ONLY_THE_CATALOGUE_SPELLS_TOPICS = noClasses().that().resideOutsideOfPackage("org.careflow.topics..")
        .should().callConstructorWhere(new DescribedPredicate<>("construct a Topic") {
            @Override
            public boolean test(JavaConstructorCall call) {
                return call.getTargetOwner().isEquivalentTo(Topic.class);
            }
        })
        .because("every topic is described once, in topic-catalogue's Topics (name, serdes, partitions, cleanup): add it "
            + "there and use the constant");

    static final ArchRule ONLY_THE_FORWARDER_CALLS_OTHER_INSTANCES = noClasses()
        .that().resideInAnyPackage("org.careflow.query..", "org.careflow.triage..", "org.careflow.scheduling..",
            "org.careflow.notifications..", "org.careflow.masterdata..")
        .and().doNotHaveFullyQualifiedName("org.careflow.query.InstanceForwarder")
        .should().callMethodWhere(new DescribedPredicate<>("send an HTTP request") {
            @Override
            public boolean test(JavaMethodCall call) {
                return call.getTargetOwner().isAssignableTo(HttpClient.class) && call.getName().startsWith("send")
                    || call.getTargetOwner().getFullName().equals("org.careflow.query.InstanceHttpClient") && call.getName().equals("get");
            }
        })
        .because("a query reaches another instance only through streams-query's InstanceForwarder, which signs it, "
            + "carries the caller's credentials and relays the answer the same way on every path");

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.careflow");
    }

    @Test
    void shouldKeepDomainRulesFreeOfHttpAndKafka() {
        DOMAIN_FREE_OF_HTTP_AND_KAFKA.check(classes);
    }

    @Test
    void shouldKeepFhirMappingFreeOfHttpAndKafka() {
        FHIR_MAPPING_FREE_OF_IO.check(classes);
    }

    @Test
    void shouldKeepEveryAppIndependentOfEveryOtherApp() {
        NO_APP_DEPENDS_ON_ANOTHER.check(classes);
    }

    @Test
    void shouldKeepTopologiesFreeOfIo() {
        TOPOLOGIES_FREE_OF_IO.check(classes);
    }

    @Test
    void shouldLetOnlyTheCatalogueDescribeTopics() {
        ONLY_THE_CATALOGUE_SPELLS_TOPICS.check(classes);
    }

    @Test
    void shouldLetOnlyTheForwarderSendRequestsToOtherInstances() {
        ONLY_THE_FORWARDER_CALLS_OTHER_INSTANCES.check(classes);
    }

    /** Each rule fails on a class written to break it. */
    @Nested
    class Violations {

        @Test
        void shouldFailWhenADomainRuleAnswersHttp() {
            assertThat(DOMAIN_FREE_OF_HTTP_AND_KAFKA.evaluate(fixtures(FormRuleAnsweringHttp.class)).hasViolation()).isTrue();
        }

        @Test
        void shouldFailWhenAFhirMapperReadsAStore() {
            assertThat(FHIR_MAPPING_FREE_OF_IO.evaluate(fixtures(MappingReadingAStore.class)).hasViolation()).isTrue();
        }

        @Test
        void shouldFailWhenOneAppReadsAnothersStore() {
            assertThat(NO_APP_DEPENDS_ON_ANOTHER.evaluate(fixtures(TriageReadingSchedulingStore.class, SchedulingTopology.class))
                .hasViolation()).isTrue();
        }

        @Test
        void shouldFailWhenATopologyReadsAFile() {
            assertThat(TOPOLOGIES_FREE_OF_IO.evaluate(fixtures(TopologyReadingAFile.class)).hasViolation()).isTrue();
        }

        @Test
        void shouldFailWhenATopicIsDescribedOutsideTheCatalogue() {
            assertThat(ONLY_THE_CATALOGUE_SPELLS_TOPICS.evaluate(fixtures(TopicSpelledOutsideTheCatalogue.class)).hasViolation())
                .isTrue();
        }

        @Test
        void shouldFailWhenAQueryIsSentAroundTheForwarder() {
            assertThat(ONLY_THE_FORWARDER_CALLS_OTHER_INSTANCES.evaluate(fixtures(SecondForwarder.class)).hasViolation()).isTrue();
        }

        private JavaClasses fixtures(Class<?>... fixtures) {
            return new ClassFileImporter().importClasses(fixtures);
        }
    }
}
