package org.careflow.ingest;

import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Why {@link EventPublisher} could not confirm a write, and what that says about the record. A failure before the
 * record reached the producer (metadata never came, the serializer could not reach the registry) or a broker's
 * definite refusal means it was {@link Outcome#NOT_WRITTEN}. Anything else after the producer took the record, above
 * all a delivery timeout, is {@link Outcome#UNKNOWN}: the broker may have appended it and only the acknowledgement
 * was lost. When in doubt, unknown: a client told "not recorded" for a record that was, and that then gives up, is
 * the lie this class exists to avoid.
 */
public final class WriteFailure extends RuntimeException {

    /** What is known of the record. */
    public enum Outcome { NOT_WRITTEN, UNKNOWN }

    private final Outcome outcome;

    WriteFailure(Outcome outcome, Throwable cause) {
        super(outcome + ": " + cause.getClass().getSimpleName(), cause);
        this.outcome = outcome;
    }

    /** A failure at {@code send}, before the producer held the record. */
    static WriteFailure beforeSend(Throwable cause) {
        return new WriteFailure(Outcome.NOT_WRITTEN, cause);
    }

    /** A failure the producer reported for a record it held. */
    static WriteFailure afterSend(Throwable cause) {
        boolean refused = cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException
            || cause instanceof InvalidTopicException || cause instanceof AuthorizationException || cause instanceof SerializationException;
        return new WriteFailure(refused ? Outcome.NOT_WRITTEN : Outcome.UNKNOWN, cause);
    }

    public Outcome outcome() {
        return outcome;
    }

    /** The outcome of any failure a publish future completed with; unknown for what did not come from the publisher. */
    public static Outcome outcomeOf(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause instanceof WriteFailure failure ? failure.outcome() : Outcome.UNKNOWN;
    }
}
