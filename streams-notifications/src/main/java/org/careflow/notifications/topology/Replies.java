package org.careflow.notifications.topology;

import org.careflow.events.notifications.InboundMessage;
import org.careflow.events.notifications.MessageIntent;
import org.careflow.notifications.replies.ReplyVocabulary;

/** What an inbound message asks for: a quick-reply button's payload names intent and booking; else its words. */
final class Replies {

    /** The intent, and the booking a button named (null for typed text). */
    record Reading(MessageIntent intent, String bookingId) {
    }

    private Replies() {
    }

    static Reading intent(InboundMessage message, ReplyVocabulary vocabulary, String language) {
        String payload = message.getButtonPayload();
        if (payload != null) {
            int colon = payload.indexOf(':');
            String head = colon < 0 ? payload : payload.substring(0, colon);
            String bookingId = colon < 0 || colon == payload.length() - 1 ? null : payload.substring(colon + 1);
            if (head.equals("CONFIRM")) {
                return new Reading(MessageIntent.CONFIRM, bookingId);
            }
            if (head.equals("CANCEL")) {
                return new Reading(MessageIntent.CANCEL, bookingId);
            }
        }
        return new Reading(vocabulary.interpret(message.getText(), language), null);
    }
}
