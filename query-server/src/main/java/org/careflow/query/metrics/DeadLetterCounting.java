package org.careflow.query.metrics;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.careflow.topics.BusinessMetrics;

/**
 * Counts the records Kafka Streams' own dead-letter queue ({@code errors.dead.letter.queue.topic.name}) receives: the
 * careflow exception handlers (log, continue, dead-letter) with a count per dead-letter topic on top. They take the
 * {@link BusinessMetrics} from the Kafka Streams settings ({@link #METRICS_CONFIG}), put there by {@link #install}.
 */
public final class DeadLetterCounting {

    /** The Kafka Streams setting (a {@link BusinessMetrics} instance, not a string) the handlers count into. */
    public static final String METRICS_CONFIG = "careflow.business.metrics";

    private DeadLetterCounting() {
    }

    /**
     * Makes the handlers {@code props} names count into {@code metrics}: Kafka Streams' log-and-continue handlers are
     * replaced by their counting subclasses; any other handler is left alone.
     */
    public static Properties install(Properties props, BusinessMetrics metrics) {
        replace(props, StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class,
            CountingDeserializationHandler.class);
        replace(props, StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class,
            CountingProcessingHandler.class);
        props.put(METRICS_CONFIG, metrics);
        return props;
    }

    private static void replace(Properties props, String key, Class<?> plain, Class<?> counting) {
        Object configured = props.get(key);
        if (configured == plain || plain.getName().equals(configured)) {
            props.put(key, counting);
        }
    }

    static BusinessMetrics metricsOf(Map<String, ?> configs) {
        return configs.get(METRICS_CONFIG) instanceof BusinessMetrics metrics ? metrics : BusinessMetrics.NONE;
    }

    static void count(BusinessMetrics metrics, List<ProducerRecord<byte[], byte[]>> deadLetters) {
        for (ProducerRecord<byte[], byte[]> record : deadLetters) {
            metrics.deadLetter(record.topic());
        }
    }

    /** {@link LogAndContinueExceptionHandler} that counts what it sends to the dead-letter topic. */
    public static final class CountingDeserializationHandler extends LogAndContinueExceptionHandler {

        private BusinessMetrics metrics = BusinessMetrics.NONE;

        @Override
        public void configure(Map<String, ?> configs) {
            super.configure(configs);
            metrics = metricsOf(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
            Response response = super.handleError(context, record, exception);
            count(metrics, response.deadLetterQueueRecords());
            return response;
        }
    }

    /** {@link LogAndContinueProcessingExceptionHandler} that counts what it sends to the dead-letter topic. */
    public static final class CountingProcessingHandler extends LogAndContinueProcessingExceptionHandler {

        private BusinessMetrics metrics = BusinessMetrics.NONE;

        @Override
        public void configure(Map<String, ?> configs) {
            super.configure(configs);
            metrics = metricsOf(configs);
        }

        @Override
        public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
            Response response = super.handleError(context, record, exception);
            count(metrics, response.deadLetterQueueRecords());
            return response;
        }
    }
}
