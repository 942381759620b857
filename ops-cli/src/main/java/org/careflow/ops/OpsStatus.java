package org.careflow.ops;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.careflow.http.HttpServerFactory;
import org.careflow.query.StreamsHttpApp;
import org.careflow.topics.Topic;

/**
 * {@code ./careflow ops status}: per streams app, the consumer group's members and their partitions and the lag of
 * every partition the group reads (from Kafka's admin API), and, from each instance's {@code GET /admin/status}, its
 * tasks, store sizes and lags and restore progress. Instances are found from the URLs given (one per app is enough:
 * each instance lists the others, from its Kafka Streams metadata); the group members alone cannot say where an
 * instance serves HTTP, since Kafka's admin API does not expose the {@code application.server} they announce.
 */
final class OpsStatus {

    /** One member of an app's consumer group (one stream thread's consumer). */
    record Member(String clientId, String host, List<String> partitions) {
    }

    /** How far the group's committed offset of one partition is behind its end. */
    record Lag(String topic, int partition, Long committed, long end, long lag) {
    }

    /** One app: its group in Kafka and what its instances report. */
    record AppReport(String app, String applicationId, String groupState, List<Member> members, List<Lag> lag, long totalLag,
                     List<JsonNode> instances, List<String> unreachable) {
    }

    private final Admin admin;
    private final HttpClient http;
    private final String token;
    private final Duration timeout;

    OpsStatus(Admin admin, HttpClient http, String token, Duration timeout) {
        this.admin = admin;
        this.http = http;
        this.token = token;
        this.timeout = timeout;
    }

    /** The report for every app in {@code applicationIds} (app name to application id), with the instances reachable from {@code urls}. */
    List<AppReport> collect(Map<String, String> applicationIds, Collection<URI> urls) {
        Map<String, List<JsonNode>> instancesByApp = new HashMap<>();
        List<String> unreachable = new ArrayList<>();
        fetchInstances(urls, instancesByApp, unreachable);
        List<AppReport> reports = new ArrayList<>();
        applicationIds.forEach((app, applicationId) -> {
            ConsumerGroupDescription group = describeGroup(applicationId);
            List<Member> members = group == null ? List.of() : group.members().stream()
                .sorted(Comparator.comparing(MemberDescription::clientId))
                .map(m -> new Member(m.clientId(), m.host(), m.assignment().topicPartitions().stream()
                    .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
                    .map(TopicPartition::toString).toList()))
                .toList();
            List<Lag> lag = lag(applicationId, OpsApps.named(app).map(a -> a.topics().inputs()).orElse(List.of()));
            List<JsonNode> instances = instancesByApp.getOrDefault(applicationId, List.of());
            reports.add(new AppReport(app, applicationId, group == null ? "NONE" : group.groupState().name(), members, lag,
                lag.stream().mapToLong(Lag::lag).sum(), instances,
                instances.isEmpty() ? unreachable : List.of()));
        });
        return reports;
    }

    private void fetchInstances(Collection<URI> urls, Map<String, List<JsonNode>> byApp, List<String> unreachable) {
        Deque<URI> pending = new ArrayDeque<>(urls);
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            URI base = pending.removeFirst();
            if (!seen.add(base.getHost() + ":" + base.getPort())) {
                continue;
            }
            JsonNode status;
            try {
                status = fetch(base);
            } catch (IOException e) {
                unreachable.add(base + " (" + e.getMessage() + ")");
                continue;
            }
            byApp.computeIfAbsent(status.path("applicationId").asText(), k -> new ArrayList<>()).add(status);
            for (JsonNode peer : status.path("instances")) {
                String[] hostPort = peer.asText().split(":");
                pending.add(URI.create(base.getScheme() + "://" + hostPort[0] + ":" + hostPort[1]));
            }
        }
        byApp.values().forEach(list -> list.sort(Comparator.comparing(n -> n.path("host").asText())));
    }

    private JsonNode fetch(URI base) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(StreamsHttpApp.ADMIN_STATUS_PATH)).timeout(timeout).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + (response.statusCode() == 401 || response.statusCode() == 403
                    ? ": pass an ops token with --token or $" + OpsCommand.TOKEN_ENV : ""));
            }
            return HttpServerFactory.MAPPER.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private ConsumerGroupDescription describeGroup(String applicationId) {
        try {
            return admin.describeConsumerGroups(List.of(applicationId)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(applicationId);
        } catch (ExecutionException | TimeoutException e) {
            // No such group (the app never ran under this id: Kafka says GroupIdNotFound) or Kafka slow to answer.
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Lag of every partition the group committed, and of every partition of the app's catalogue inputs. */
    private List<Lag> lag(String applicationId, List<Topic<?, ?>> inputs) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Set<TopicPartition> partitions = new HashSet<>(committed.keySet());
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<String> inputNames = inputs.stream().map(Topic::name).filter(existing::contains).toList();
            if (!inputNames.isEmpty()) {
                Map<String, TopicDescription> described = admin.describeTopics(inputNames).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                described.values().forEach(d -> d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
            }
            if (partitions.isEmpty()) {
                return List.of();
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                    partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return partitions.stream()
                .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
                .map(p -> {
                    OffsetAndMetadata c = committed.get(p);
                    long end = ends.get(p).offset();
                    long at = c == null ? 0 : c.offset();
                    return new Lag(p.topic(), p.partition(), c == null ? null : c.offset(), end, Math.max(0, end - at));
                }).toList();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not read the offsets of group " + applicationId + " from Kafka: is it reachable?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    /** The reports as JSON. */
    static String json(List<AppReport> reports) {
        try {
            return HttpServerFactory.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(Map.of("apps", reports));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot render the status as JSON", e);
        }
    }

    /** The reports as a table for people. */
    static String table(List<AppReport> reports) {
        StringBuilder out = new StringBuilder();
        for (AppReport r : reports) {
            out.append(r.app()).append("  application.id=").append(r.applicationId()).append("  group ").append(r.groupState())
                .append("  members ").append(r.members().size()).append("  total lag ").append(r.totalLag()).append('\n');
            if (!r.members().isEmpty()) {
                out.append(String.format("  %-60s %-18s %s%n", "member (client id)", "host", "assigned partitions"));
                r.members().forEach(m -> out.append(String.format("  %-60s %-18s %s%n", m.clientId(), m.host(), String.join(" ", m.partitions()))));
            }
            // Partitions that never held a record and were never committed say nothing: JSON keeps them, the table not.
            List<Lag> shown = r.lag().stream().filter(l -> l.committed() != null || l.end() > 0).toList();
            if (!shown.isEmpty()) {
                out.append(String.format("  %-58s %9s %10s %10s %8s%n", "topic", "partition", "committed", "end", "lag"));
                shown.forEach(l -> out.append(String.format("  %-58s %9d %10s %10d %8d%n", l.topic(), l.partition(),
                    l.committed() == null ? "-" : l.committed().toString(), l.end(), l.lag())));
            }
            if (r.instances().isEmpty()) {
                out.append("  no instance reached").append(r.members().isEmpty() ? " (the group has no members: is the app running?)"
                    : "; pass one of its URLs with --app URL").append('\n');
                r.unreachable().forEach(u -> out.append("    unreachable: ").append(u).append('\n'));
            }
            for (JsonNode i : r.instances()) {
                out.append("  instance ").append(i.path("host").asText()).append("  ").append(i.path("state").asText()).append('\n');
                for (JsonNode t : i.path("threads")) {
                    out.append("    thread ").append(t.path("name").asText()).append(' ').append(t.path("state").asText())
                        .append("  active ").append(taskIds(t.path("activeTasks")))
                        .append("  standby ").append(taskIds(t.path("standbyTasks"))).append('\n');
                }
                if (!i.path("stores").isEmpty()) {
                    out.append(String.format("    %-44s %9s %10s %8s%n", "store", "partition", "entries", "lag"));
                    for (JsonNode s : i.path("stores")) {
                        out.append(String.format("    %-44s %9d %10s %8d%n", s.path("store").asText(), s.path("partition").asInt(),
                            s.path("approximateEntries").isNull() ? "-" : s.path("approximateEntries").asText(), s.path("lag").asLong()));
                    }
                }
                List<JsonNode> restoring = new ArrayList<>();
                i.path("restores").forEach(restoring::add);
                long done = restoring.stream().filter(x -> x.path("done").asBoolean()).count();
                out.append("    restores: ").append(restoring.size()).append(" store partition(s), ").append(done).append(" done").append('\n');
                restoring.stream().filter(x -> !x.path("done").asBoolean()).forEach(x -> out.append(String.format(
                    "      %s partition %d: %d of %d restored%n", x.path("store").asText(), x.path("partition").asInt(),
                    x.path("restored").asLong(), x.path("total").asLong())));
            }
            out.append('\n');
        }
        return out.toString().stripTrailing();
    }

    private static String taskIds(JsonNode tasks) {
        if (tasks.isEmpty()) {
            return "-";
        }
        List<String> ids = new ArrayList<>();
        tasks.forEach(t -> ids.add(t.path("taskId").asText()));
        return String.join(",", ids);
    }

    /** Application ids by app: the defaults, with overrides ({@code app=id}) applied. */
    static Map<String, String> applicationIds(Map<String, String> overrides) {
        Map<String, String> ids = new LinkedHashMap<>();
        OpsApps.ALL.forEach(a -> ids.put(a.name(), overrides.getOrDefault(a.name(), a.defaultApplicationId())));
        return ids;
    }
}
