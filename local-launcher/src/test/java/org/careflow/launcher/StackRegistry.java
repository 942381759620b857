package org.careflow.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.careflow.topics.RegistryEventSerdes;
import org.careflow.topics.RegistryLogin;

/** The stack's schema registry as a test reads it: logged in as the read-only client, as a downstream reader would be. */
final class StackRegistry {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private StackRegistry() {
    }

    /** The read-only client's login. */
    static RegistryLogin reader(LocalStack stack) {
        return stack.registryAuth().login(LocalRegistryAuth.INGEST_CLIENT);
    }

    /** Serdes that read (never register) through the stack's registry. */
    static RegistryEventSerdes serdes(LocalStack stack) {
        return new RegistryEventSerdes(stack.urls().get("schema registry"), false, reader(stack));
    }

    /** A GET of {@code path} under the registry's v3 API, as {@code login} (none for {@link RegistryLogin#NONE}). */
    static HttpResponse<String> get(LocalStack stack, RegistryLogin login, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.urls().get("schema registry") + path)).GET();
        login.authorizationHeader().ifPresent(value -> request.header("Authorization", value));
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
