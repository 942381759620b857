package org.careflow.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PublicKeysTest {

    private static String pem(byte[] der, String label) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    @Test
    void shouldReadRsaAndEcPemPublicKeys() throws Exception {
        RSAKey rsa = JwtTestKit.rsaKey("r");
        ECKey ec = JwtTestKit.ecKey("e");

        assertThat(PublicKeys.parse(pem(rsa.toRSAPublicKey().getEncoded(), "PUBLIC KEY"), "test").getKeys().get(0))
            .isInstanceOf(RSAKey.class);
        assertThat(PublicKeys.parse(pem(ec.toECPublicKey().getEncoded(), "PUBLIC KEY"), "test").getKeys().get(0))
            .isInstanceOf(ECKey.class);
    }

    @Test
    void shouldReadSingleJwkAndJwks() {
        ECKey ec = JwtTestKit.ecKey("e");

        assertThat(PublicKeys.parse(ec.toPublicJWK().toJSONString(), "test").getKeyByKeyId("e")).isNotNull();
        assertThat(PublicKeys.parse("{\"keys\":[" + ec.toPublicJWK().toJSONString() + "]}", "test").getKeyByKeyId("e")).isNotNull();
    }

    @Test
    void shouldRefusePrivateAndSymmetricKeys() throws Exception {
        ECKey ec = JwtTestKit.ecKey("e");
        OctetSequenceKey oct = new OctetSequenceKeyGenerator(256).generate();

        assertThatThrownBy(() -> PublicKeys.parse(ec.toJSONString(), "test")).hasMessageContaining("private key");
        assertThatThrownBy(() -> PublicKeys.parse(pem(ec.toECPrivateKey().getEncoded(), "PRIVATE KEY"), "test"))
            .hasMessageContaining("private key");
        assertThatThrownBy(() -> PublicKeys.parse(oct.toJSONString(), "test")).hasMessageContaining("kty=oct");
    }

    @Test
    void shouldRefuseEcKeysOffP256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp384r1"));

        assertThatThrownBy(() -> PublicKeys.parse(pem(generator.generateKeyPair().getPublic().getEncoded(), "PUBLIC KEY"), "test"))
            .hasMessageContaining("P-256");
    }
}
