package org.careflow.ops;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.careflow.config.CommonConfig;
import org.careflow.config.StreamsAppConfig;
import org.careflow.masterdata.MasterDataConfig;
import org.careflow.notifications.NotificationsConfig;
import org.careflow.scheduling.SchedulingConfig;
import org.careflow.topics.StreamsAppTopics;
import org.careflow.triage.TriageConfig;

/** The four streams apps as the operations commands see them: name, default application id and port, inputs. */
record OpsApps(String name, String defaultApplicationId, int defaultHttpPort, StreamsAppTopics topics) {

    static final List<OpsApps> ALL = List.of(
        of(StreamsAppTopics.TRIAGE, TriageConfig.CONFIG),
        of(StreamsAppTopics.SCHEDULING, SchedulingConfig.CONFIG),
        of(StreamsAppTopics.NOTIFICATIONS, NotificationsConfig.CONFIG),
        of(StreamsAppTopics.MASTERDATA, MasterDataConfig.CONFIG));

    private static OpsApps of(StreamsAppTopics topics, ConfigDef config) {
        return new OpsApps(topics.app(), (String) config.defaultValues().get(StreamsAppConfig.APPLICATION_ID_CONFIG),
            (Integer) config.defaultValues().get(CommonConfig.HTTP_PORT_CONFIG), topics);
    }

    static Optional<OpsApps> named(String name) {
        return ALL.stream().filter(a -> a.name.equals(name)).findFirst();
    }

    static String names() {
        return String.join(", ", ALL.stream().map(OpsApps::name).toList());
    }
}
