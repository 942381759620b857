package org.careflow.topics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the value schema of every catalogue topic in an Apicurio Registry (v3 API) under the artifact
 * the serdes look up ({@code <topic>-value} in group {@code default}), and makes the registry reject any
 * new version that is not BACKWARD compatible. Idempotent: an unchanged schema is found, not re-added.
 */
public final class SchemaRegistrar {

    /** The group the serdes' default strategy uses. */
    public static final String GROUP = "default";

    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistrar.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String registryUrl;
    private final RegistryLogin login;
    private final HttpClient client;

    /** A registrar that sends no login, for a registry that allows anonymous writes. */
    public SchemaRegistrar(String registryUrl) {
        this(registryUrl, RegistryLogin.NONE);
    }

    /** A registrar logging in as {@code login}, a client with role sr-admin (the global rule is an admin's). */
    public SchemaRegistrar(String registryUrl, RegistryLogin login) {
        this.registryUrl = Objects.requireNonNull(registryUrl, "registryUrl").replaceAll("/+$", "");
        this.login = Objects.requireNonNull(login, "login");
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The artifact id of a topic's value schema under the serdes' topic-id strategy. */
    public static String artifactId(Topic<?, ?> topic) {
        return topic.name() + "-value";
    }

    /** Sets the global BACKWARD rule and registers every Avro topic's value schema; returns the artifact ids. */
    public List<String> registerAll(Collection<Topic<?, ?>> topics) {
        requireBackwardCompatibility();
        List<String> registered = new ArrayList<>();
        for (Topic<?, ?> topic : topics) {
            if (SpecificRecord.class.isAssignableFrom(topic.valueType())) {
                register(topic);
                registered.add(artifactId(topic));
            }
        }
        LOG.info("Registered {} value schemas", registered.size());
        return registered;
    }

    private void register(Topic<?, ?> topic) {
        String schema = SpecificData.get().getSchema(topic.valueType()).toString();
        ObjectNode body = JSON.createObjectNode();
        body.put("artifactId", artifactId(topic));
        body.put("artifactType", "AVRO");
        ObjectNode content = body.putObject("firstVersion").putObject("content");
        content.put("content", schema);
        content.put("contentType", "application/json");
        HttpResponse<String> response = send("POST", "/groups/" + GROUP + "/artifacts?ifExists=FIND_OR_CREATE_VERSION", body);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("Registry refused the schema of " + topic.name() + " (HTTP " + response.statusCode()
                + "): " + response.body());
        }
    }

    private void requireBackwardCompatibility() {
        ObjectNode rule = JSON.createObjectNode().put("ruleType", "COMPATIBILITY").put("config", "BACKWARD");
        HttpResponse<String> created = send("POST", "/admin/rules", rule);
        if (created.statusCode() == 409) {
            HttpResponse<String> updated = send("PUT", "/admin/rules/COMPATIBILITY", rule);
            check(updated, "update the global compatibility rule");
        } else {
            check(created, "create the global compatibility rule");
        }
    }

    private static void check(HttpResponse<String> response, String action) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("Could not " + action + " (HTTP " + response.statusCode() + "): " + response.body());
        }
    }

    private HttpResponse<String> send(String method, String path, ObjectNode body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(registryUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            login.authorizationHeader().ifPresent(value -> request.header("Authorization", value));
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("Registry at " + registryUrl + " is unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while registering schemas", e);
        }
    }
}
