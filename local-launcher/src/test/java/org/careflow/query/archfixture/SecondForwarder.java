package org.careflow.query.archfixture;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Breaks the forwarder rule on purpose (see LayeringTest): a query sent to another instance around InstanceForwarder. */
public final class SecondForwarder {

    public int ask(HttpClient client, URI otherInstance) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(otherInstance).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
