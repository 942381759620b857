package org.careflow.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The one JSON mapper of the dispatcher; thread-safe once configured. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }
}
