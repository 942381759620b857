package org.careflow.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectorsApplyTest {

    @Test
    void shouldReadOptionsAndLetSetOverrideTheEnvironment() {
        ConnectorsApply.Options o = ConnectorsApply.parse(List.of("apply", "--connect-url", "http://c:8083", "--set", "MONGO_URI=mongodb://x",
            "--timeout", "30", "--jdbc-url", "jdbc:postgresql://p/db", "--jdbc-user", "u"), Map.of("MONGO_URI", "mongodb://env", "OTHER", "1"));

        assertThat(o.connectUrl()).isEqualTo("http://c:8083");
        assertThat(o.variables()).containsEntry("MONGO_URI", "mongodb://x").containsEntry("OTHER", "1");
        assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.database().jdbcUrl()).isEqualTo("jdbc:postgresql://p/db");
        assertThat(o.database().scripts().toString()).endsWith("sql/bi");
    }

    @Test
    void shouldSayWhatIsMissingWhenOptionsAreWrong() {
        assertThatThrownBy(() -> ConnectorsApply.parse(List.of("apply"), Map.of())).hasMessageContaining("--connect-url");
        assertThatThrownBy(() -> ConnectorsApply.parse(List.of("remove"), Map.of())).hasMessageContaining("'apply'");
        assertThatThrownBy(() -> ConnectorsApply.parse(List.of("apply", "--set", "X"), Map.of())).hasMessageContaining("NAME=VALUE");
    }
}
