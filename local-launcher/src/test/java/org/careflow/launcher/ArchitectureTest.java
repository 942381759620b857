package org.careflow.launcher;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.careflow.config.KnownKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Module boundaries, checked on the compiled classes of every module on this classpath. */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.careflow");
    }

    @Test
    void shouldKeepStreamsAppsIndependentOfTheIngestApi() {
        noClasses().that().resideInAnyPackage("org.careflow.triage..", "org.careflow.scheduling..", "org.careflow.notifications..",
                "org.careflow.dispatch..", "org.careflow.masterdata..")
            .should().dependOnClassesThat().resideInAPackage("org.careflow.ingest..")
            .because("streams apps share only contracts (schemas, topic catalogue) with the ingest API; move shared code to a shared module")
            .check(classes);
    }

    @Test
    void shouldKeepTopologiesFreeOfTheDispatcher() {
        noClasses().that().resideInAPackage("..topology..")
            .should().dependOnClassesThat().resideInAPackage("org.careflow.dispatch..")
            .because("sending is I/O with retries and waits: it runs in the dispatcher, outside any stream thread")
            .check(classes);
    }

    @Test
    void shouldKeepStreamsNotificationsApartFromTheDispatcherApp() {
        noClasses().that().resideInAPackage("org.careflow.notifications..")
            .should().dependOnClassesThat().resideInAPackage("org.careflow.dispatch..")
            .because("the dispatcher is its own app: streams-notifications hands it work on outbound-notifications only; "
                + "move what both need to topic-catalogue or schemas")
            .check(classes);
    }

    @Test
    void shouldLetNothingDependOnTheLauncher() {
        noClasses().that().resideOutsideOfPackage("org.careflow.launcher..")
            .should().dependOnClassesThat().resideInAPackage("org.careflow.launcher..")
            .because("the launcher is a development tool; production code must run without it")
            .check(classes);
    }

    @Test
    void shouldKeepTopologiesFreeOfHttpAndEmbeddedInfrastructure() {
        noClasses().that().resideInAPackage("..topology..")
            .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "java.net.http..", "org.careflow.platform.embedded..")
            .because("a topology factory only builds the graph: no I/O (serve queries from the app's query package)")
            .check(classes);
    }

    @Test
    void shouldCheckEveryKeyOfEveryConfigAgainstItsDefinition() {
        classes().that().areAssignableTo(AbstractConfig.class).and().resideInAPackage("org.careflow..")
            .should().callMethod(KnownKeys.class, "checked", ConfigDef.class, Map.class)
            .because("an unknown key must stop the app, not be logged and ignored: construct with "
                + "super(CONFIG, KnownKeys.checked(CONFIG, originals), false)")
            .check(classes);
    }

    @Test
    void shouldNotUseSystemOutForLogging() {
        noClasses().that().resideInAPackage("org.careflow..")
            .should().accessField(System.class, "out")
            .orShould().accessField(System.class, "err")
            .because("log through SLF4J, where levels and patient-safe formatting apply")
            .check(classes);
    }
}
