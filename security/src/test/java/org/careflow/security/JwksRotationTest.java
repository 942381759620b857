package org.careflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import java.util.Map;
import org.careflow.security.AuthenticationException.Kind;
import org.careflow.security.JwtTestKit.JwksServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JwksRotationTest {

    private final RSAKey keyA = JwtTestKit.rsaKey("A");
    private final ECKey keyB = JwtTestKit.ecKey("B");
    private final JwksServer jwks = JwtTestKit.jwksServer(keyA);

    @AfterEach
    void stop() {
        jwks.close();
    }

    private JwtAuthenticator authenticator(long minRefreshIntervalMs) {
        return JwtAuthenticator.create(JwtTestKit.settingsForJwks(jwks.url(),
            Map.of(AuthSettings.JWKS_REFRESH_MIN_INTERVAL_MS_CONFIG, minRefreshIntervalMs)));
    }

    private static Kind kindOf(JwtAuthenticator authenticator, String token) {
        try {
            authenticator.authenticate("Bearer " + token);
        } catch (AuthenticationException e) {
            return e.kind();
        }
        throw new AssertionError("token was accepted");
    }

    @Test
    void shouldAcceptNewKeyAfterOneRefetchWhenTheJwksRotates() throws Exception {
        // Given
        JwtAuthenticator authenticator = authenticator(0);
        assertThat(authenticator.authenticate("Bearer " + JwtTestKit.mint(keyA).sign()).role()).isEqualTo(Role.CLINICIAN);
        int fetchesBefore = jwks.fetchCount();

        // When
        jwks.publish(keyA, keyB);
        Principal principal = authenticator.authenticate("Bearer " + JwtTestKit.mint(keyB).sign());

        // Then
        assertThat(principal.role()).isEqualTo(Role.CLINICIAN);
        assertThat(jwks.fetchCount()).isEqualTo(fetchesBefore + 1);
    }

    @Test
    void shouldRejectRemovedKeyOnceTheKeysAreRefreshed() throws Exception {
        // Given
        JwtAuthenticator authenticator = authenticator(0);
        String tokenA = JwtTestKit.mint(keyA).sign();
        authenticator.authenticate("Bearer " + tokenA);

        // When: A is withdrawn, and a token of the new key B makes the authenticator refetch
        jwks.publish(keyB);
        authenticator.authenticate("Bearer " + JwtTestKit.mint(keyB).sign());

        // Then
        assertThat(kindOf(authenticator, tokenA)).isEqualTo(Kind.UNKNOWN_KEY);
    }

    @Test
    void shouldKeepAcceptingCachedKeyWhenTheJwksGoesDown() throws Exception {
        JwtAuthenticator authenticator = authenticator(0);
        authenticator.authenticate("Bearer " + JwtTestKit.mint(keyA).sign());

        jwks.available(false);

        assertThat(authenticator.authenticate("Bearer " + JwtTestKit.mint(keyA).sign()).role()).isEqualTo(Role.CLINICIAN);
    }

    @Test
    void shouldReportKeysUnavailableWhenTheJwksIsDownAndNothingIsCached() {
        jwks.available(false);

        assertThatThrownBy(() -> authenticator(0).authenticate("Bearer " + JwtTestKit.mint(keyA).sign()))
            .isInstanceOfSatisfying(AuthenticationException.class, e -> assertThat(e.kind()).isEqualTo(Kind.KEYS_UNAVAILABLE));
    }

    @Test
    void shouldLimitRefetchesWhenManyTokensCarryUnknownKeyIds() throws Exception {
        // Given
        JwtAuthenticator authenticator = authenticator(60_000);
        authenticator.authenticate("Bearer " + JwtTestKit.mint(keyA).sign());
        int fetchesBefore = jwks.fetchCount();

        // When
        for (int i = 0; i < 20; i++) {
            kindOf(authenticator, JwtTestKit.mint(JwtTestKit.ecKey("forged-" + i)).sign());
        }

        // Then
        assertThat(jwks.fetchCount() - fetchesBefore).isLessThanOrEqualTo(2);
    }
}
