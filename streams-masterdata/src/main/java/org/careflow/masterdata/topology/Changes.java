package org.careflow.masterdata.topology;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Where a change was read: the change topic, partition and offset of Debezium's record. It is the source of event ids,
 * and travels to the provider's task in a header, since after a repartition the record's own metadata names the
 * internal topic. A dead letter of the provider's task carries it too, pointing at the change record itself.
 */
final class Changes {

    /** Header carrying the position of the change across the repartition topics. */
    static final String POSITION_HEADER = "careflow.masterdata.change";

    private Changes() {
    }

    /** {@code topic/partition/offset} of the record being processed, when the context knows it (not in punctuations). */
    static Optional<String> position(ProcessorContext<?, ?> context) {
        return context.recordMetadata().map(Changes::position);
    }

    static String position(RecordMetadata metadata) {
        return metadata.topic() + "/" + metadata.partition() + "/" + metadata.offset();
    }

    /**
     * Headers for a record sent on: only the change's position. The change record's own headers (a converter's schema
     * ids, say) describe its bytes, not ours, and must not reach the next topic.
     */
    static Headers headers(Optional<String> position) {
        Headers headers = new RecordHeaders();
        position.ifPresent(p -> headers.add(POSITION_HEADER, p.getBytes(StandardCharsets.UTF_8)));
        return headers;
    }

    static Optional<String> position(Headers headers) {
        Header header = headers.lastHeader(POSITION_HEADER);
        return header == null || header.value() == null ? Optional.empty() : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }
}
