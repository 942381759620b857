package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.careflow.security.AuthSettings;
import org.careflow.security.AuthenticationException;
import org.careflow.security.JwtAuthenticator;
import org.careflow.security.Principal;
import org.careflow.security.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCommandTest {

    @TempDir
    Path dataDir;

    @Test
    void shouldMintATokenTheStacksAppsAcceptWithTheRoleScopeAndLifetimeAsked() throws Exception {
        // Given a stack's key, made on its first start, and the settings its apps get
        LocalAuth auth = LocalAuth.loadOrCreate(dataDir);
        JwtAuthenticator apps = JwtAuthenticator.create(AuthSettings.parse(auth.appSettings()));

        // When a clinician token for two facilities is asked for on the command line
        String token = TokenCommand.mint(TokenCommand.parse(List.of("--role", "clinician", "--facility", "F1", "--facility", "F2",
            "--ttl", "15m", "--data-dir", dataDir.toString())));

        // Then the apps accept it, as that clinician, scoped to those facilities, for 15 minutes
        Principal principal = apps.authenticate("Bearer " + token);
        assertThat(principal.role()).isEqualTo(Role.CLINICIAN);
        assertThat(principal.facilities()).containsExactlyInAnyOrder("F1", "F2");
        assertThat(principal.patientId()).isNull();
        assertThat(principal.expiresAt()).isBetween(Instant.now().plus(Duration.ofMinutes(14)), Instant.now().plus(Duration.ofMinutes(16)));
    }

    @Test
    void shouldMintPatientTokensForThatPatientOnly() throws Exception {
        LocalAuth auth = LocalAuth.loadOrCreate(dataDir);
        JwtAuthenticator apps = JwtAuthenticator.create(AuthSettings.parse(auth.appSettings()));

        String token = TokenCommand.mint(TokenCommand.parse(List.of("--role", "patient", "--patient", "p-7", "--data-dir", dataDir.toString())));

        Principal principal = apps.authenticate("Bearer " + token);
        assertThat(principal.role()).isEqualTo(Role.PATIENT);
        assertThat(principal.patientId()).isEqualTo("p-7");
    }

    @Test
    void shouldNotBeAcceptedByAStackWithAnotherKey(@TempDir Path otherDataDir) {
        // Given two stacks, each with a key of its own
        LocalAuth.loadOrCreate(dataDir);
        JwtAuthenticator other = JwtAuthenticator.create(AuthSettings.parse(LocalAuth.loadOrCreate(otherDataDir).appSettings()));

        // When a token of the first is shown to the second
        String token = TokenCommand.mint(TokenCommand.parse(List.of("--role", "ops", "--data-dir", dataDir.toString())));

        // Then it is refused
        assertThatThrownBy(() -> other.authenticate("Bearer " + token)).isInstanceOf(AuthenticationException.class);
    }

    @Test
    void shouldSayWhatIsWrongWithTheCommandLine() {
        assertThatThrownBy(() -> TokenCommand.parse(List.of())).hasMessageContaining("--role is required");
        assertThatThrownBy(() -> TokenCommand.parse(List.of("--role", "admin"))).hasMessageContaining("--role must be one of");
        assertThatThrownBy(() -> TokenCommand.parse(List.of("--role", "clinician"))).hasMessageContaining("needs at least one --facility");
        assertThatThrownBy(() -> TokenCommand.parse(List.of("--role", "patient"))).hasMessageContaining("needs --patient");
        assertThatThrownBy(() -> TokenCommand.parse(List.of("--role", "ops", "--patient", "p"))).hasMessageContaining("only for --role patient");
        assertThatThrownBy(() -> TokenCommand.parse(List.of("--role", "ops", "--ttl", "25h"))).hasMessageContaining("at most 24h");
        assertThatThrownBy(() -> TokenCommand.parse(List.of("--role", "ops", "--ttl", "soon"))).hasMessageContaining("--ttl takes");
        assertThat(TokenCommand.parse(List.of("--role", "OPS")).role()).isEqualTo(Role.OPS);
        assertThat(TokenCommand.duration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(TokenCommand.duration("PT2H")).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void shouldTellToStartTheStackFirstWhenThereIsNoKey() {
        assertThatThrownBy(() -> TokenCommand.mint(new TokenCommand.Request(Role.OPS, Set.of(), null, Duration.ofHours(1), dataDir)))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("./careflow up");
    }
}
