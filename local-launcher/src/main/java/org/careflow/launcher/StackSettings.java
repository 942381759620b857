package org.careflow.launcher;

import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.careflow.config.KnownKeys;
import org.careflow.dispatch.DispatcherConfig;
import org.careflow.ingest.IngestConfig;
import org.careflow.masterdata.MasterDataConfig;
import org.careflow.notifications.NotificationsConfig;
import org.careflow.scheduling.SchedulingConfig;
import org.careflow.triage.TriageConfig;

/**
 * Checks the extra per-app settings of {@link StackOptions} before the stack starts anything: each app they name must
 * be one of the stack's, and each key one its configuration knows ({@link KnownKeys}). The apps would refuse an
 * unknown key too, but only once Kafka, the registry and the apps before them had started.
 */
final class StackSettings {

    /** Each app of the stack with its whole configuration definition (shared keys included). */
    static final Map<String, ConfigDef> DEFINITIONS = Map.of(
        LocalStack.INGEST, IngestConfig.CONFIG,
        LocalStack.TRIAGE, TriageConfig.CONFIG,
        LocalStack.SCHEDULING, SchedulingConfig.CONFIG,
        LocalStack.NOTIFICATIONS, NotificationsConfig.CONFIG,
        LocalStack.MASTERDATA, MasterDataConfig.CONFIG,
        LocalStack.DISPATCHER, DispatcherConfig.CONFIG);

    private StackSettings() {
    }

    /** The definition of {@code app}; fails with a ConfigException naming the closest app when it is not one of the stack's. */
    static ConfigDef definition(String app) {
        ConfigDef definition = DEFINITIONS.get(app);
        if (definition == null) {
            throw new ConfigException("Settings given for unknown app '" + app + "'"
                + KnownKeys.closest(app, DEFINITIONS.keySet()).map(name -> " (did you mean '" + name + "'?)").orElse("")
                + "; the apps are " + DEFINITIONS.keySet().stream().sorted().toList());
        }
        return definition;
    }

    /** Fails with a ConfigException naming the unknown app or key, the app it was given for and the closest known one. */
    static void requireKnown(StackOptions options) {
        options.settings().forEach((app, settings) ->
            KnownKeys.requireKnown(definition(app).names(), settings.keySet(), "the settings of " + app));
    }
}
