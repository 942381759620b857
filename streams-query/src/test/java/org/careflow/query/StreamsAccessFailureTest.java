package org.careflow.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/** Which stream-thread failures stop the app instead of replacing the thread: those a retry cannot heal. */
class StreamsAccessFailureTest {

    @Test
    void shouldFindTheRefusalWhenAMissingAclIsWrappedByStreams() {
        TopicAuthorizationException refused = new TopicAuthorizationException(java.util.Set.of("patient-contacts"));

        assertThat(StreamsHttpApp.accessFailure(new StreamsException("task failed", new RuntimeException(refused)))).isSameAs(refused);
    }

    @Test
    void shouldFindTheRefusalWhenTheLoginFails() {
        SaslAuthenticationException refused = new SaslAuthenticationException("bad password");

        assertThat(StreamsHttpApp.accessFailure(new StreamsException(refused))).isSameAs(refused);
    }

    @Test
    void shouldReplaceTheThreadWhenTheFailureIsTransient() {
        assertThat(StreamsHttpApp.accessFailure(new StreamsException(new TimeoutException("broker away")))).isNull();
    }
}
