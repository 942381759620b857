package org.careflow.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.careflow.config.ConfigReference;
import org.careflow.dispatch.DispatcherConfig;
import org.careflow.ingest.IngestConfig;
import org.careflow.masterdata.MasterDataConfig;
import org.careflow.notifications.NotificationsConfig;
import org.careflow.scheduling.SchedulingConfig;
import org.careflow.triage.TriageConfig;
import org.junit.jupiter.api.Test;

/** Keeps docs/configuration.md equal to what the code defines. */
class ConfigReferenceTest {

    private static final Path DOC = Path.of("..", "docs", "configuration.md");

    @Test
    void shouldMatchCommittedReferenceWhenConfigKeysChange() throws IOException {
        Map<String, ConfigDef> apps = new LinkedHashMap<>();
        apps.put("ingest-api", IngestConfig.CONFIG);
        apps.put("streams-triage", TriageConfig.CONFIG);
        apps.put("streams-scheduling", SchedulingConfig.CONFIG);
        apps.put("streams-notifications", NotificationsConfig.CONFIG);
        apps.put("streams-masterdata", MasterDataConfig.CONFIG);
        apps.put("notifications-dispatcher", DispatcherConfig.CONFIG);
        String generated = ConfigReference.markdown(apps);
        if (Boolean.getBoolean("careflow.updatePins")) {
            Files.writeString(DOC, generated);
        }

        assertThat(Files.readString(DOC))
            .as("docs/configuration.md is out of date: rerun with -Dcareflow.updatePins=true and commit it")
            .isEqualTo(generated);
    }
}
