package org.careflow.notifications.topology;

import java.time.Instant;
import org.careflow.events.notifications.MessagingConsent;

/** Messaging consent decisions: the latest decision wins, whoever recorded it. */
final class Consents {

    private Consents() {
    }

    /** When the decision was made; null when never recorded. */
    static Instant decidedAt(MessagingConsent consent) {
        Instant granted = consent.getConsentedAt();
        Instant revoked = consent.getRevokedAt();
        if (granted == null) {
            return revoked;
        }
        return revoked == null || granted.isAfter(revoked) ? granted : revoked;
    }

    /** Whether {@code incoming} is at least as recent as {@code current}, so that it replaces it. */
    static boolean supersedes(MessagingConsent incoming, MessagingConsent current) {
        Instant now = decidedAt(current);
        Instant next = decidedAt(incoming);
        return now == null || (next != null && !next.isBefore(now));
    }
}
