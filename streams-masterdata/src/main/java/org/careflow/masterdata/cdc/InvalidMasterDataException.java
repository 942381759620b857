package org.careflow.masterdata.cdc;

import java.util.List;

/**
 * A master-data row, or the schedule a provider's rows make together, that careflow cannot turn into an event as valid
 * as the ingest API's. Thrown from a processor, it sends the record to the dead-letter topic with this message in its
 * headers. Messages name columns and rules, never values: they are logged, and rows hold patients' details.
 */
public final class InvalidMasterDataException extends RuntimeException {

    private final List<String> problems;

    public InvalidMasterDataException(String what, List<String> problems) {
        super(what + " is invalid: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, each naming its column. */
    public List<String> problems() {
        return problems;
    }
}
