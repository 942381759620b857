package org.careflow.masterdata;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * This module's boundaries. The launcher's architecture test checks only the modules on its classpath, which this one
 * is not yet.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("org.careflow.masterdata");
    }

    @Test
    void shouldStayIndependentOfTheIngestApi() {
        noClasses().that().resideInAPackage("org.careflow.masterdata..")
            .should().dependOnClassesThat().resideInAPackage("org.careflow.ingest..")
            .because("streams apps share only contracts (schemas, topic catalogue) with the ingest API; move shared code to a shared module")
            .check(classes);
    }

    @Test
    void shouldKeepTopologyAndMappingFreeOfHttpAndRegistryClients() {
        noClasses().that().resideInAnyPackage("..masterdata.topology..", "..masterdata.mapping..")
            .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "java.net.http..", "io.apicurio..")
            .because("a topology factory only builds the graph and mapping is pure: no I/O (serve queries from the query package, "
                + "build registry serdes in the app)")
            .check(classes);
    }

    @Test
    void shouldNotUseSystemOutForLogging() {
        noClasses().that().resideInAPackage("org.careflow.masterdata..")
            .should().accessField(System.class, "out")
            .orShould().accessField(System.class, "err")
            .because("log through SLF4J, where levels and patient-safe formatting apply")
            .check(classes);
    }
}
