package org.careflow.connect.converters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.storage.Converter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The rule: a read failure is retriable exactly while the registry does not serve the worker's login. */
class RegistryOutageAwareConverterTest {

    private final AtomicInteger registryStatus = new AtomicInteger(200);
    private HttpServer registry;
    private RegistryOutageAwareConverter converter;

    @BeforeEach
    void start() throws Exception {
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/apis/registry/v2/system/info", exchange -> {
            boolean loggedIn = "Basic Y29ubmVjdDpzM2NyZXQ=".equals(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(loggedIn ? registryStatus.get() : 401, -1);
            exchange.close();
        });
        registry.start();
        converter = new RegistryOutageAwareConverter();
        converter.configure(Map.of(RegistryOutageAwareConverter.DELEGATE_CONFIG, FailingConverter.class.getName(),
            "apicurio.registry.url", "http://127.0.0.1:" + registry.getAddress().getPort() + "/apis/registry/v2/",
            "apicurio.auth.username", "connect", "apicurio.auth.password", "s3cret"), false);
    }

    @AfterEach
    void stop() throws Exception {
        converter.close();
        registry.stop(0);
    }

    @Test
    void shouldPassTheFailureOnWhenTheRegistryServesTheWorker() {
        assertThatThrownBy(() -> converter.toConnectData("t", new byte[] {1})).isInstanceOf(DataException.class)
            .hasMessage("cannot read these bytes");
    }

    @Test
    void shouldMakeTheFailureRetriableWhileTheRegistryIsDown() {
        registryStatus.set(503);

        assertThatThrownBy(() -> converter.toConnectData("t", new byte[] {1})).isInstanceOf(RetriableException.class)
            .hasMessageContaining("HTTP 503").hasCauseInstanceOf(DataException.class);
    }

    @Test
    void shouldMakeTheFailureRetriableWhenTheRegistryDoesNotAnswer() {
        registry.stop(0);

        assertThatThrownBy(() -> converter.toConnectData("t", new byte[] {1})).isInstanceOf(RetriableException.class)
            .hasMessageContaining("no answer");
    }

    @Test
    void shouldReadThroughTheDelegateWhenItCan() {
        assertThat(converter.toConnectData("t", new byte[0]).value()).isEqualTo("read");
    }

    /** Reads an empty array, fails on anything else. */
    public static final class FailingConverter implements Converter {
        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {
        }

        @Override
        public byte[] fromConnectData(String topic, Schema schema, Object value) {
            return new byte[0];
        }

        @Override
        public SchemaAndValue toConnectData(String topic, byte[] value) {
            if (value.length == 0) {
                return new SchemaAndValue(Schema.STRING_SCHEMA, "read");
            }
            throw new DataException("cannot read these bytes");
        }
    }
}
