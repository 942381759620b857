package org.careflow.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RegistryLoginTest {

    @Test
    void shouldSendNothingWhenTheClientIdIsBlank() {
        RegistryLogin none = RegistryLogin.of("", "");

        assertThat(none).isEqualTo(RegistryLogin.NONE);
        assertThat(none.serdeSettings()).isEmpty();
        assertThat(none.authorizationHeader()).isEmpty();
        assertThat(new RegistryEventSerdes("http://r/apis/registry/v3", false).clientConfig()).doesNotContainKey("apicurio.registry.auth.username");
    }

    @Test
    void shouldSendTheClientAsHttpBasicWhenSet() {
        RegistryLogin login = RegistryLogin.of("careflow-ingest", "s3cret");

        assertThat(login.authorizationHeader()).hasValue("Basic "
            + Base64.getEncoder().encodeToString("careflow-ingest:s3cret".getBytes(StandardCharsets.UTF_8)));
        assertThat(new RegistryEventSerdes("http://r/apis/registry/v3", false, login).clientConfig())
            .containsEntry("apicurio.registry.auth.username", "careflow-ingest")
            .containsEntry("apicurio.registry.auth.password", "s3cret");
        assertThat(login.toString()).as("printing a login never shows its secret").doesNotContain("s3cret");
    }

    @Test
    void shouldRefuseAnIdWithoutASecret() {
        assertThatThrownBy(() -> RegistryLogin.of("careflow-ingest", "")).isInstanceOf(IllegalArgumentException.class);
    }
}
