package org.careflow.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The HTTPS settings of an app ({@code http.tls.*} in {@link CommonConfig}): the key store its server presents (none
 * means plain HTTP) and the trust store it uses to call other instances. Passwords stay {@link Password}s, which print
 * as {@code [hidden]}.
 */
public record HttpTlsSettings(String keystorePath, String keystoreType, Password keystorePassword, Password keyPassword,
                              String truststorePath, String truststoreType, Password truststorePassword) {

    private static final Password NONE = new Password("");

    public HttpTlsSettings {
        Objects.requireNonNull(keystorePath, "keystorePath");
        Objects.requireNonNull(keystoreType, "keystoreType");
        keystorePassword = keystorePassword == null ? NONE : keystorePassword;
        keyPassword = keyPassword == null ? NONE : keyPassword;
        Objects.requireNonNull(truststorePath, "truststorePath");
        Objects.requireNonNull(truststoreType, "truststoreType");
        truststorePassword = truststorePassword == null ? NONE : truststorePassword;
    }

    /** Plain HTTP, and the JVM's default trust store for outgoing calls. */
    public static HttpTlsSettings none() {
        return new HttpTlsSettings("", "PKCS12", NONE, NONE, "", "PKCS12", NONE);
    }

    /**
     * The settings of {@code config} (its ConfigDef must come from {@link CommonConfig#define}); fails with a
     * ConfigException naming the key to fix when a store file is missing or its password is not set.
     */
    public static HttpTlsSettings from(AbstractConfig config) {
        HttpTlsSettings settings = new HttpTlsSettings(config.getString(CommonConfig.HTTP_TLS_KEYSTORE_PATH_CONFIG),
            config.getString(CommonConfig.HTTP_TLS_KEYSTORE_TYPE_CONFIG), config.getPassword(CommonConfig.HTTP_TLS_KEYSTORE_PASSWORD_CONFIG),
            config.getPassword(CommonConfig.HTTP_TLS_KEY_PASSWORD_CONFIG), config.getString(CommonConfig.HTTP_TLS_TRUSTSTORE_PATH_CONFIG),
            config.getString(CommonConfig.HTTP_TLS_TRUSTSTORE_TYPE_CONFIG), config.getPassword(CommonConfig.HTTP_TLS_TRUSTSTORE_PASSWORD_CONFIG));
        settings.validate();
        return settings;
    }

    /** Whether the server serves HTTPS (only). */
    public boolean enabled() {
        return !keystorePath.isEmpty();
    }

    /** The scheme other instances reach this app's instances with: {@code https} when TLS is on. */
    public String scheme() {
        return enabled() ? "https" : "http";
    }

    /** The private key's password when it has its own, otherwise null (the key store's password applies). */
    public Password keyPasswordOrNull() {
        return keyPassword.value().isEmpty() ? null : keyPassword;
    }

    /**
     * The TLS context outgoing calls to other instances use: trusting {@code http.tls.truststore.path}, or the JVM's
     * default trust store when it is empty.
     */
    public SSLContext clientSslContext() {
        try {
            if (truststorePath.isEmpty()) {
                return SSLContext.getDefault();
            }
            KeyStore trust = KeyStore.getInstance(truststoreType);
            try (InputStream in = Files.newInputStream(Path.of(truststorePath))) {
                trust.load(in, truststorePassword.value().isEmpty() ? null : truststorePassword.value().toCharArray());
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(CommonConfig.HTTP_TLS_TRUSTSTORE_PATH_CONFIG, truststorePath,
                "cannot load it as " + truststoreType + " (" + e.getClass().getSimpleName() + "): check the file, "
                    + CommonConfig.HTTP_TLS_TRUSTSTORE_TYPE_CONFIG + " and " + CommonConfig.HTTP_TLS_TRUSTSTORE_PASSWORD_CONFIG);
        }
    }

    private void validate() {
        if (enabled()) {
            if (!Files.isReadable(Path.of(keystorePath))) {
                throw new ConfigException(CommonConfig.HTTP_TLS_KEYSTORE_PATH_CONFIG, keystorePath,
                    "no readable key store there: point it at the server's " + keystoreType + " file, or leave it empty for plain HTTP");
            }
            if (keystorePassword.value().isEmpty()) {
                throw new ConfigException(CommonConfig.HTTP_TLS_KEYSTORE_PASSWORD_CONFIG, "[hidden]",
                    "set it to the password of " + CommonConfig.HTTP_TLS_KEYSTORE_PATH_CONFIG);
            }
        }
        if (!truststorePath.isEmpty() && !Files.isReadable(Path.of(truststorePath))) {
            throw new ConfigException(CommonConfig.HTTP_TLS_TRUSTSTORE_PATH_CONFIG, truststorePath,
                "no readable trust store there: point it at a " + truststoreType + " file, or leave it empty for the JVM's default");
        }
    }
}
