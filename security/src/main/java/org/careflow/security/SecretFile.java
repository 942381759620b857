package org.careflow.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.io.Writer;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A random secret kept in an owner-only file, made on first use: the local stack's cluster secret and service
 * passwords, one per data directory, like its token-signing key ({@link SigningKeys}).
 */
public final class SecretFile {

    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretFile() {
    }

    /**
     * Writes {@code entries} to {@code file} as a properties file readable by its owner only (a fresh file each time, moved
     * in place), for secrets other processes read from a file: Connect's REST users, its config provider's secrets.
     */
    public static Path writeProperties(Path file, Map<String, String> entries) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
            Path temp = posix ? Files.createTempFile(dir, file.getFileName().toString(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            try {
                Properties properties = new Properties();
                properties.putAll(new TreeMap<>(entries));
                try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                    properties.store(out, null);
                }
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** The secret in {@code file}, or a new one (32 random bytes, base64url: 43 characters) written there owner-only. */
    public static String loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                byte[] bytes = new byte[32];
                RANDOM.nextBytes(bytes);
                String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
                boolean posix = Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView("posix");
                try {
                    // Owner-only from its creation; a process racing here keeps the first file, and both read it back.
                    Path created = posix ? Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                        : Files.createFile(file);
                    Files.writeString(created, secret, StandardCharsets.UTF_8);
                } catch (FileAlreadyExistsException e) {
                    // Another process made it first.
                }
            }
            String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (secret.isEmpty()) {
                throw new IllegalStateException(file + " is empty: delete it to make a new secret");
            }
            return secret;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the secret " + file, e);
        }
    }
}
