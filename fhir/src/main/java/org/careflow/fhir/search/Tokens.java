package org.careflow.fhir.search;

import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/** Token matching as FHIR defines it: {@code code}, {@code system|code}, {@code |code} (no system) or {@code system|}. */
public final class Tokens {

    private Tokens() {
    }

    /** Whether any of {@code tokens} (any-of values) matches any coding of {@code concepts}; true when none are given. */
    public static boolean anyMatches(List<String> tokens, List<CodeableConcept> concepts) {
        if (tokens.isEmpty()) {
            return true;
        }
        for (String token : tokens) {
            for (CodeableConcept concept : concepts) {
                for (Coding coding : concept.getCoding()) {
                    if (matches(token, coding.getSystem(), coding.getCode())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether {@code token} matches a code (of a plain code element, {@code system} null) . */
    public static boolean matches(String token, String system, String code) {
        int bar = token.indexOf('|');
        if (bar < 0) {
            return token.equals(code);
        }
        String wantedSystem = token.substring(0, bar);
        String wantedCode = token.substring(bar + 1);
        boolean systemOk = wantedSystem.isEmpty() ? system == null : wantedSystem.equals(system);
        return systemOk && (wantedCode.isEmpty() || wantedCode.equals(code));
    }
}
