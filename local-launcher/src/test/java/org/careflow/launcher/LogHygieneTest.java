package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LogHygieneTest {

    private static final Set<String> PATIENTS = Set.of("p-low");

    @Test
    void shouldFindPatientIdsPhonesAndTokensAndNameTheLoggerOnly() {
        // Given log lines as the test configuration writes them, some leaking, one continuing an exception
        List<String> lines = List.of(
            "10:00:00.000 INFO  [main] org.careflow.a.Quiet - Scored a submission in 3 ms",
            "10:00:00.001 WARN  [main] org.careflow.b.Leaky - Could not score submission of p-low",
            "10:00:00.002 ERROR [main] org.careflow.c.Phone - Send failed",
            "java.io.IOException: refused for +447700900123",
            "10:00:00.003 INFO  [main] org.careflow.d.Token - Forwarding with Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
            "10:00:00.004 INFO  [main] org.careflow.e.Fine - Patient p-lower is another id; +44 is no number");

        // When they are scanned
        List<String> findings = LogHygiene.findings(lines, PATIENTS);

        // Then each leak is found once per kind, by logger, without the leaked value
        assertThat(findings).containsExactly("org.careflow.b.Leaky: a patient identifier", "org.careflow.c.Phone: a phone number",
            "org.careflow.d.Token: a bearer token");
        assertThat(String.join("\n", findings)).doesNotContain("p-low", "+4477", "eyJ");
    }
}
