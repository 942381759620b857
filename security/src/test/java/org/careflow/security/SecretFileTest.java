package org.careflow.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretFileTest {

    @TempDir
    Path dir;

    @Test
    void shouldMakeARandomOwnerOnlySecretOnceAndReadItBackWhenAskedAgain() throws Exception {
        // Given
        Path file = dir.resolve("auth").resolve("cluster-secret");

        // When
        String first = SecretFile.loadOrCreate(file);
        String again = SecretFile.loadOrCreate(file);
        String other = SecretFile.loadOrCreate(dir.resolve("other-secret"));

        // Then
        assertThat(first).hasSize(43).matches("[A-Za-z0-9_-]+").isEqualTo(again).isNotEqualTo(other);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void shouldWriteOwnerOnlyPropertiesThatReadBackWhenValuesHoldSpecialCharacters() throws Exception {
        // Given
        Map<String, String> entries = Map.of("MONGO_URI", "mongodb://u:p@h:27017/?a=b", "user", "pa:ss=word");

        // When
        Path file = SecretFile.writeProperties(dir.resolve("connect").resolve("secrets.properties"), entries);

        // Then
        Properties read = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            read.load(in);
        }
        assertThat(read).containsExactlyInAnyOrderEntriesOf(entries);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }
}
