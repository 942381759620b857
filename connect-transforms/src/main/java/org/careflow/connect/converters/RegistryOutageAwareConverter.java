package org.careflow.connect.converters;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.storage.Converter;

/**
 * A sink's value converter that tells a schema registry outage from a record that is unreadable on its own. It wraps
 * the registry's converter ({@value #DELEGATE_CONFIG}, Apicurio's Avro converter by default, which must sit in the same
 * plugin folder) and, when reading a record fails, asks the registry whether it serves this worker
 * ({@code GET <apicurio.registry.url>/system/info} with the converter's own login). If it does not, the failure is a
 * {@link RetriableException}: Connect retries the record with backoff for {@code errors.retry.timeout} (careflow's
 * connectors set 7 days) and nothing goes to the dead-letter topic or is skipped. If it does, the record is unreadable
 * and the failure goes on as it came, to the dead-letter topic ({@code errors.tolerance=all}).
 */
public final class RegistryOutageAwareConverter implements Converter, Closeable {

    /** The converter that does the work. */
    public static final String DELEGATE_CONFIG = "delegate.class";
    static final String DEFAULT_DELEGATE = "io.apicurio.registry.utils.converter.AvroConverter";
    static final String REGISTRY_URL_CONFIG = "apicurio.registry.url";
    static final String USERNAME_CONFIG = "apicurio.auth.username";
    static final String PASSWORD_CONFIG = "apicurio.auth.password";
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private Converter delegate;
    private URI probeUri;
    private String authorization;
    private HttpClient http;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Map<String, Object> rest = new HashMap<>(configs);
        Object delegateClass = rest.remove(DELEGATE_CONFIG);
        String className = delegateClass == null ? DEFAULT_DELEGATE : delegateClass.toString();
        try {
            delegate = (Converter) Class.forName(className, true, getClass().getClassLoader()).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new ConfigException(DELEGATE_CONFIG, className, "not a Converter in this plugin folder: " + e);
        }
        delegate.configure(rest, isKey);
        Object url = configs.get(REGISTRY_URL_CONFIG);
        if (url == null || url.toString().isBlank()) {
            throw new ConfigException(REGISTRY_URL_CONFIG, url, "the registry to probe when a record cannot be read");
        }
        String base = url.toString().replaceAll("/+$", "");
        probeUri = URI.create(base + "/system/info");
        Object user = configs.get(USERNAME_CONFIG);
        Object password = configs.get(PASSWORD_CONFIG);
        authorization = user == null || user.toString().isBlank() ? null : "Basic " + Base64.getEncoder()
            .encodeToString((user + ":" + (password == null ? "" : password.toString())).getBytes(StandardCharsets.UTF_8));
        http = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        return delegate.fromConnectData(topic, schema, value);
    }

    @Override
    public byte[] fromConnectData(String topic, Headers headers, Schema schema, Object value) {
        return delegate.fromConnectData(topic, headers, schema, value);
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        try {
            return delegate.toConnectData(topic, value);
        } catch (RuntimeException e) {
            throw retriableWhileTheRegistryIsOut(e);
        }
    }

    @Override
    public SchemaAndValue toConnectData(String topic, Headers headers, byte[] value) {
        try {
            return delegate.toConnectData(topic, headers, value);
        } catch (RuntimeException e) {
            throw retriableWhileTheRegistryIsOut(e);
        }
    }

    private RuntimeException retriableWhileTheRegistryIsOut(RuntimeException failure) {
        int status = probe();
        if (status >= 200 && status < 300) {
            return failure;
        }
        return new RetriableException("The schema registry does not serve this worker (" + (status == 0 ? "no answer"
            : "HTTP " + status) + "); the record is read again later, not dead-lettered", failure);
    }

    /** The registry's answer to this worker's login, 0 when it did not answer. */
    int probe() {
        HttpRequest.Builder request = HttpRequest.newBuilder(probeUri).timeout(PROBE_TIMEOUT).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    @Override
    public void close() throws IOException {
        if (delegate instanceof Closeable closeable) {
            closeable.close();
        }
        if (http != null) {
            http.close();
        }
    }
}
