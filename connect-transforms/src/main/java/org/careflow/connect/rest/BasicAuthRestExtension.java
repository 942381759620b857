package org.careflow.connect.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.rest.ConnectRestExtensionContext;
import org.apache.kafka.connect.rest.basic.auth.extension.JaasBasicAuthFilter;
import org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule;

/**
 * HTTP Basic authentication of a Connect worker's REST API: Kafka's own {@link JaasBasicAuthFilter} and
 * {@link PropertyFileLoginModule} (a {@code user=password} properties file), configured from the worker's properties
 * rather than from the JVM-wide JAAS file {@code BasicAuthSecurityRestExtension} reads, so that several workers in one
 * JVM (the local stack, tests) each have their own users. Worker settings:
 *
 * <pre>
 * rest.extension.classes=org.careflow.connect.rest.BasicAuthRestExtension
 * careflow.rest.basic.auth.users.file=/etc/careflow/connect/rest-users.properties
 * </pre>
 *
 * <p>Every request needs the credentials except the worker-to-worker calls Kafka exempts (task configs, fencing: those
 * are signed with the cluster's internal key) and {@code GET /health}, which says only whether the worker runs, for
 * health checks. A worker without the users file refuses to start. Kafka's login module reads a users file once and keeps
 * it, by path, for the JVM's life: a changed password needs a file of another name (or a worker restart).
 */
public final class BasicAuthRestExtension implements ConnectRestExtension {

    /** The worker setting naming the users file. */
    public static final String USERS_FILE_CONFIG = "careflow.rest.basic.auth.users.file";
    /** The JAAS entry name Kafka's filter asks for. */
    static final String LOGIN_CONTEXT = "KafkaConnect";

    private Path usersFile;

    @Override
    public void configure(Map<String, ?> configs) {
        Object value = configs.get(USERS_FILE_CONFIG);
        if (value == null || value.toString().isBlank()) {
            throw new ConfigException(USERS_FILE_CONFIG, value, "set it to a user=password properties file: the REST API"
                + " would otherwise be open to anyone who reaches it");
        }
        usersFile = Path.of(value.toString().strip());
        if (!Files.isReadable(usersFile)) {
            throw new ConfigException(USERS_FILE_CONFIG, value.toString(), "no readable file there");
        }
    }

    @Override
    public void register(ConnectRestExtensionContext restPluginContext) {
        JaasBasicAuthFilter basic = new JaasBasicAuthFilter(configuration(usersFile));
        restPluginContext.configurable().register(new HealthExempt(basic));
    }

    /** A JAAS configuration holding one entry: Kafka's properties-file login module over {@code usersFile}. */
    static Configuration configuration(Path usersFile) {
        AppConfigurationEntry entry = new AppConfigurationEntry(PropertyFileLoginModule.class.getName(),
            AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, Map.of("file", usersFile.toAbsolutePath().toString()));
        return new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return LOGIN_CONTEXT.equals(name) ? new AppConfigurationEntry[] {entry} : null;
            }
        };
    }

    @Override
    public void close() {
    }

    @Override
    public String version() {
        return BasicAuthRestExtension.class.getPackage().getImplementationVersion() == null ? "0"
            : BasicAuthRestExtension.class.getPackage().getImplementationVersion();
    }

    /** Lets {@code GET /health} through and asks {@code delegate} about everything else. */
    @PreMatching
    static final class HealthExempt implements ContainerRequestFilter {
        private final ContainerRequestFilter delegate;

        HealthExempt(ContainerRequestFilter delegate) {
            this.delegate = delegate;
        }

        @Override
        public void filter(ContainerRequestContext request) throws java.io.IOException {
            String path = request.getUriInfo().getPath().replaceAll("^/+|/+$", "");
            if ("GET".equals(request.getMethod()) && "health".equals(path)) {
                return;
            }
            delegate.filter(request);
        }
    }
}
