package org.careflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.careflow.security.AuthenticationException.Kind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtAuthenticatorTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static RSAKey rsa;
    private static ECKey ec;
    private static AuthSettings settings;

    @BeforeAll
    static void keys(@TempDir Path dir) throws Exception {
        rsa = JwtTestKit.rsaKey("rsa-1");
        ec = JwtTestKit.ecKey("ec-1");
        Path file = Files.writeString(dir.resolve("jwks.json"), new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString());
        settings = JwtTestKit.settingsForKeyFile(file, Map.of());
    }

    private static JwtAuthenticator authenticatorAt(Instant instant) {
        return new JwtAuthenticator(settings, new ImmutableJWKSet<SecurityContext>(new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK()))),
            Clock.fixed(instant, ZoneOffset.UTC));
    }

    private static Principal authenticate(String token) throws AuthenticationException {
        return authenticatorAt(NOW).authenticate("Bearer " + token);
    }

    private static Kind kindOf(String header) {
        try {
            authenticatorAt(NOW).authenticate(header);
        } catch (AuthenticationException e) {
            assertThat(e.getMessage()).isEqualTo(e.kind().description()).doesNotContain("eyJ");
            return e.kind();
        }
        throw new AssertionError("token was accepted");
    }

    private static Kind kindOfToken(String token) {
        return kindOf("Bearer " + token);
    }

    @Test
    void shouldAcceptRs256TokenWhenValid() throws Exception {
        // Given
        String token = JwtTestKit.mint(rsa).at(NOW).subject("dr-who").role(Role.CLINICIAN).facilities("F1", "F2")
            .claim("azp", "ehr-app").sign();

        // When
        Principal principal = authenticate(token);

        // Then
        assertThat(principal.subject()).isEqualTo("dr-who");
        assertThat(principal.clientId()).isEqualTo("ehr-app");
        assertThat(principal.role()).isEqualTo(Role.CLINICIAN);
        assertThat(principal.facilities()).containsExactlyInAnyOrder("F1", "F2");
        assertThat(principal.patientId()).isNull();
        assertThat(principal.tokenId()).isNotBlank();
        assertThat(principal.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
    }

    @Test
    void shouldAcceptEs256PatientTokenAndRedactItWhenPrinted() throws Exception {
        String token = JwtTestKit.mint(ec).at(NOW).subject("pt-sub-9").role(Role.PATIENT).patient("pt-777").facilities().sign();

        Principal principal = authenticate(token);

        assertThat(principal.role()).isEqualTo(Role.PATIENT);
        assertThat(principal.patientId()).isEqualTo("pt-777");
        assertThat(principal.clientId()).isEqualTo("pt-sub-9");
        assertThat(principal.toString()).doesNotContain("pt-777").doesNotContain("pt-sub-9").doesNotContain(token);
    }

    @Test
    void shouldAcceptSchemeInAnyCaseAndSingleFacilityString() throws Exception {
        String token = JwtTestKit.mint(ec).at(NOW).claim(AuthSettings.DEFAULT_FACILITIES_CLAIM, "F9").sign();

        assertThat(authenticatorAt(NOW).authenticate("bearer " + token).facilities()).containsExactly("F9");
        assertThat(authenticatorAt(NOW).authenticate("BEARER   " + token).facilities()).containsExactly("F9");
    }

    @Test
    void shouldAcceptWhenExpiredWithinClockSkew() throws Exception {
        String token = JwtTestKit.mint(rsa).at(NOW).expiresAt(NOW.minusSeconds(20)).sign();

        assertThat(authenticate(token).subject()).isNotNull();
    }

    @Test
    void shouldAcceptWhenNotBeforeIsWithinClockSkew() throws Exception {
        String token = JwtTestKit.mint(rsa).at(NOW).notBefore(NOW.plusSeconds(20)).sign();

        assertThat(authenticate(token).subject()).isNotNull();
    }

    @Test
    void shouldRejectWhenExpiredBeyondClockSkew() {
        assertThat(kindOfToken(JwtTestKit.mint(rsa).at(NOW).expiresAt(NOW.minusSeconds(31)).sign())).isEqualTo(Kind.EXPIRED);
        assertThat(kindOfToken(JwtTestKit.mint(rsa).at(NOW).expired().sign())).isEqualTo(Kind.EXPIRED);
    }

    @Test
    void shouldRejectWhenNotYetValid() {
        assertThat(kindOfToken(JwtTestKit.mint(ec).at(NOW).notBefore(NOW.plus(Duration.ofMinutes(10))).sign())).isEqualTo(Kind.NOT_YET_VALID);
    }

    @Test
    void shouldRejectWhenAudienceOrIssuerIsWrong() {
        assertThat(kindOfToken(JwtTestKit.mint(ec).at(NOW).audience("billing").sign())).isEqualTo(Kind.BAD_AUDIENCE);
        assertThat(kindOfToken(JwtTestKit.mint(ec).at(NOW).issuer("https://evil.example").sign())).isEqualTo(Kind.BAD_ISSUER);
    }

    @Test
    void shouldRejectWhenExpiryIsMissing() {
        assertThat(kindOfToken(JwtTestKit.mint(rsa).at(NOW).withoutExpiry().sign())).isEqualTo(Kind.MISSING_CLAIM);
    }

    @Test
    void shouldRejectUnsignedToken() {
        assertThat(kindOfToken(JwtTestKit.mint(rsa).at(NOW).unsigned())).isEqualTo(Kind.BAD_ALGORITHM);
    }

    @Test
    void shouldRejectHs256SignedWithThePublicKey() {
        assertThat(kindOfToken(JwtTestKit.mint(rsa).at(NOW).hs256WithPublicKey())).isEqualTo(Kind.BAD_ALGORITHM);
    }

    @Test
    void shouldRejectTamperedPayloadOrSignature() {
        String token = JwtTestKit.mint(rsa).at(NOW).sign();

        assertThat(kindOfToken(JwtTestKit.tamperPayload(token, AuthSettings.DEFAULT_ROLE_CLAIM, "ops"))).isEqualTo(Kind.BAD_SIGNATURE);
        assertThat(kindOfToken(JwtTestKit.tamperSignature(token))).isEqualTo(Kind.BAD_SIGNATURE);
    }

    @Test
    void shouldRejectTokenOfAnUnknownKey() {
        ECKey stranger = JwtTestKit.ecKey("stranger");

        assertThat(kindOfToken(JwtTestKit.mint(stranger).at(NOW).sign())).isEqualTo(Kind.UNKNOWN_KEY);
        // A known key id does not help a token signed by another key.
        assertThat(kindOfToken(JwtTestKit.mint(ec).at(NOW).signedWith(stranger).sign())).isEqualTo(Kind.BAD_SIGNATURE);
    }

    @Test
    void shouldRejectMissingOrForeignSchemeAsMissing() {
        assertThat(kindOf(null)).isEqualTo(Kind.MISSING);
        assertThat(kindOf("  ")).isEqualTo(Kind.MISSING);
        assertThat(kindOf("Basic dXNlcjpwYXNz")).isEqualTo(Kind.MISSING);
        assertThat(kindOf("Bearer")).isEqualTo(Kind.MISSING);
    }

    @Test
    void shouldRejectGarbageAsMalformed() {
        assertThat(kindOf("Bearer not-a-jwt")).isEqualTo(Kind.MALFORMED);
        assertThat(kindOf("Bearer a.b.c")).isEqualTo(Kind.MALFORMED);
        assertThat(kindOf("Bearer eyJhbGciOiJFUzI1NiJ9.e30.!!")).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void shouldRejectTwoAuthorizationHeaders() {
        String token = JwtTestKit.mint(rsa).at(NOW).sign();

        assertThatThrownBy(() -> authenticatorAt(NOW).authenticate(List.of("Bearer " + token, "Bearer " + token)))
            .isInstanceOfSatisfying(AuthenticationException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED));
        assertThatThrownBy(() -> authenticatorAt(NOW).authenticate(List.of()))
            .isInstanceOfSatisfying(AuthenticationException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MISSING));
    }

    @Test
    void shouldRejectOversizeToken() {
        String token = JwtTestKit.mint(rsa).at(NOW).claim("padding", "x".repeat(JwtAuthenticator.MAX_TOKEN_CHARS)).sign();

        assertThat(kindOfToken(token)).isEqualTo(Kind.OVERSIZE);
    }

    @Test
    void shouldRejectUnknownOrMissingRole() {
        assertThat(kindOfToken(JwtTestKit.mint(rsa).at(NOW).claim(AuthSettings.DEFAULT_ROLE_CLAIM, "admin").sign())).isEqualTo(Kind.UNKNOWN_ROLE);
        assertThat(kindOfToken(JwtTestKit.mint(rsa).at(NOW).claim(AuthSettings.DEFAULT_ROLE_CLAIM, "CLINICIAN").sign())).isEqualTo(Kind.UNKNOWN_ROLE);
        assertThat(kindOfToken(JwtTestKit.mint(rsa).at(NOW).claim(AuthSettings.DEFAULT_ROLE_CLAIM, null).sign())).isEqualTo(Kind.MISSING_CLAIM);
    }

    @Test
    void shouldRejectPatientTokenWithoutPatientClaim() {
        String token = JwtTestKit.mint(rsa).at(NOW).role(Role.PATIENT).claim(AuthSettings.DEFAULT_PATIENT_CLAIM, null).sign();

        assertThat(kindOfToken(token)).isEqualTo(Kind.MISSING_CLAIM);
    }

    @Test
    void shouldRejectClaimOfTheWrongType() {
        assertThat(kindOfToken(JwtTestKit.mint(rsa).at(NOW).claim(AuthSettings.DEFAULT_ROLE_CLAIM, 42).sign())).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void shouldLoadThePublicKeyFileWhenCreatedFromSettings() throws Exception {
        String token = JwtTestKit.mint(ec).sign();

        assertThat(JwtAuthenticator.create(settings).authenticate("Bearer " + token).role()).isEqualTo(Role.CLINICIAN);
    }
}
