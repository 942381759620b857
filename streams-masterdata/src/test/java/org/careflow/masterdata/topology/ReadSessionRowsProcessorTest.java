package org.careflow.masterdata.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.careflow.masterdata.cdc.DebeziumRows.session;
import static org.careflow.masterdata.cdc.DebeziumRows.sessionKey;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.careflow.events.scheduling.WeeklySession;
import org.careflow.masterdata.cdc.InvalidMasterDataException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The first step of sessions on its own: how a session change finds the provider it belongs to, and belonged to. */
class ReadSessionRowsProcessorTest {

    private static final String TOPIC = "masterdata.public.provider_schedules";

    private MockProcessorContext<String, WeeklySession> context;
    private KeyValueStore<String, String> owners;
    private ReadSessionRowsProcessor processor;
    private long offset;

    @BeforeEach
    void init() {
        context = new MockProcessorContext<>();
        owners = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MasterDataTopology.SESSION_PROVIDERS_STORE),
            Serdes.String(), Serdes.String()).withLoggingDisabled().build();
        owners.init(context.getStateStoreContext(), owners);
        context.addStateStore(owners);
        processor = new ReadSessionRowsProcessor();
        processor.init(context);
    }

    @Test
    void shouldKeySessionByProviderAndRememberItsProviderWhenRowArrives() {
        process(7, session(7, "dr-1", "MONDAY", "09:00", "12:00").build());

        assertThat(context.forwarded()).singleElement().satisfies(f -> {
            assertThat(f.record().key()).isEqualTo("dr-1|7");
            assertThat(f.record().value().getHours().getStartTime()).hasToString("09:00");
            assertThat(position(f)).isEqualTo(TOPIC + "/0/0");
        });
        assertThat(owners.get("7")).isEqualTo("dr-1");
    }

    @Test
    void shouldRemoveTheSessionFromItsProviderWhenTombstoneCarriesOnlyTheId() {
        process(7, session(7, "dr-1", "MONDAY", "09:00", "12:00").build());
        context.resetForwards();

        process(7, null);

        assertThat(context.forwarded()).singleElement().satisfies(f -> {
            assertThat(f.record().key()).isEqualTo("dr-1|7");
            assertThat(f.record().value()).isNull();
        });
        assertThat(owners.get("7")).isNull();
    }

    @Test
    void shouldRemoveFromTheOldProviderAndAddToTheNewWhenRowMoves() {
        process(7, session(7, "dr-1", "MONDAY", "09:00", "12:00").build());
        context.resetForwards();

        process(7, session(7, "dr-2", "MONDAY", "09:00", "12:00").build());

        List<CapturedForward<? extends String, ? extends WeeklySession>> forwarded = context.forwarded();
        assertThat(forwarded.stream().map(f -> (String) f.record().key()).toList()).containsExactly("dr-1|7", "dr-2|7");
        assertThat(forwarded.get(0).record().value()).isNull();
        assertThat(forwarded.get(1).record().value()).isNotNull();
    }

    @Test
    void shouldForwardNothingAndKeepTheProviderWhenRowIsInvalidOrDeleteIsUnknown() {
        process(7, session(7, "dr-1", "MONDAY", "09:00", "12:00").build());
        context.resetForwards();

        assertThatThrownBy(() -> process(7, session(7, "dr-2", "MONDAY", "12:00", "09:00").build()))
            .isInstanceOf(InvalidMasterDataException.class);
        process(8, null);

        assertThat(context.forwarded()).isEmpty();
        assertThat(owners.get("7")).isEqualTo("dr-1");
    }

    private void process(long id, GenericRecord value) {
        context.setRecordMetadata(TOPIC, 0, offset++);
        processor.process(new Record<>(sessionKey(id), value, 1_000L));
    }

    private static String position(CapturedForward<?, ?> forward) {
        return new String(forward.record().headers().lastHeader(Changes.POSITION_HEADER).value(), StandardCharsets.UTF_8);
    }
}
