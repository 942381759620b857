package org.careflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {

    @TempDir
    Path dir;

    private static SigningKeys.TokenRequest request(Role role, String patientId) {
        return new SigningKeys.TokenRequest("careflow-local", "careflow", "local-" + role.claimValue(), role,
            role == Role.PATIENT ? Set.of() : Set.of("F1"), patientId, Duration.ofHours(1));
    }

    @Test
    void shouldCreateOwnerOnlyPrivateKeyAndPublicKeyWhenDirectoryIsEmpty() throws Exception {
        SigningKeys keys = SigningKeys.loadOrCreate(dir.resolve("auth"));

        Path privateFile = dir.resolve("auth").resolve(SigningKeys.PRIVATE_KEY_FILE);
        assertThat(privateFile).exists();
        assertThat(keys.publicKeyFile()).exists();
        assertThat(Files.readString(keys.publicKeyFile())).doesNotContain("\"d\"");
        if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
            assertThat(Files.getPosixFilePermissions(privateFile))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
    }

    @Test
    void shouldKeepTheSameKeyWhenLoadedAgain() {
        SigningKeys first = SigningKeys.loadOrCreate(dir);

        SigningKeys second = SigningKeys.loadOrCreate(dir);

        assertThat(second.publicKey()).isEqualTo(first.publicKey());
        assertThat(SigningKeys.load(dir).publicKey()).isEqualTo(first.publicKey());
    }

    @Test
    void shouldFailWithAHintWhenLoadingAMissingKey() {
        assertThatThrownBy(() -> SigningKeys.load(dir)).hasMessageContaining("./careflow up");
    }

    @Test
    void shouldMintTokensThatTheConfiguredPublicKeyFileVerifies() throws Exception {
        // Given
        SigningKeys keys = SigningKeys.loadOrCreate(dir);
        JwtAuthenticator authenticator = JwtAuthenticator.create(AuthSettings.parse(Map.of(
            AuthSettings.JWT_ISSUER_CONFIG, "careflow-local",
            AuthSettings.JWT_PUBLIC_KEY_FILE_CONFIG, keys.publicKeyFile().toString())));

        // When
        Principal clinician = authenticator.authenticate("Bearer " + keys.mint(request(Role.CLINICIAN, null)));
        Principal patient = authenticator.authenticate("Bearer " + keys.mint(request(Role.PATIENT, "pt-1")));

        // Then
        assertThat(clinician.role()).isEqualTo(Role.CLINICIAN);
        assertThat(clinician.facilities()).containsExactly("F1");
        assertThat(clinician.subject()).isEqualTo("local-clinician");
        assertThat(patient.patientId()).isEqualTo("pt-1");
    }

    @Test
    void shouldRefuseRequestsThatMisusePatientOrTtl() {
        assertThatThrownBy(() -> request(Role.PATIENT, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> request(Role.CLINICIAN, "pt-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SigningKeys.TokenRequest("i", "a", "s", Role.OPS, Set.of(), null, Duration.ofDays(2)))
            .hasMessageContaining("24h");
    }
}
