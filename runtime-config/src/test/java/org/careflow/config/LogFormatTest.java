package org.careflow.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The log format switch of {@code log4j2.xml}, in child JVMs started as the apps are, reading what they print. */
class LogFormatTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void shouldWriteOneJsonObjectPerLineWhenSystemPropertySaysJson() throws Exception {
        List<JsonNode> lines = json(run(List.of("-Dcareflow.log.format=json"), Map.of()));

        assertThat(lines).hasSize(3);
        JsonNode info = lines.get(0);
        assertThat(info.get("@timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(info.get("log.level").asText()).isEqualTo("INFO");
        assertThat(info.get("log.logger").asText()).isEqualTo(LogFormatProbe.class.getName());
        assertThat(info.get("process.thread.name").asText()).isEqualTo("main");
        assertThat(info.get("message").asText()).isEqualTo("probe started with 0 argument(s)");
        JsonNode error = lines.get(1);
        assertThat(error.get("log.level").asText()).isEqualTo("ERROR");
        assertThat(error.get("message").asText()).isEqualTo("probe failed \"on purpose\"");
        assertThat(error.get("error.type").asText()).isEqualTo(IllegalStateException.class.getName());
        assertThat(error.get("error.message").asText()).isEqualTo("boom");
        assertThat(error.get("error.stack_trace").asText()).contains("at " + LogFormatProbe.class.getName() + ".main");
        assertThat(lines.get(2).get("message").asText()).isEqualTo("careflow is up");
        assertThat(lines.get(2).get("log.logger").asText()).isEqualTo("careflow.console");
    }

    @Test
    void shouldWriteJsonWhenEnvironmentSaysJson() throws Exception {
        List<JsonNode> lines = json(run(List.of(), Map.of("CAREFLOW_LOG_FORMAT", "json")));

        assertThat(lines).extracting(l -> l.get("message").asText())
            .containsExactly("probe started with 0 argument(s)", "probe failed \"on purpose\"", "careflow is up");
    }

    @Test
    void shouldWriteTextByDefault() throws Exception {
        List<String> lines = run(List.of(), Map.of());

        assertThat(lines.get(0)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  LogFormatProbe - probe started with 0 argument\\(s\\)");
        assertThat(lines).contains("careflow is up").anySatisfy(l -> assertThat(l).contains("IllegalStateException: boom"));
        assertThatThrownBy(() -> MAPPER.readTree(lines.get(0))).isInstanceOf(IOException.class);
    }

    @Test
    void shouldLetTheSystemPropertyWinWhenBothAreSet() throws Exception {
        List<String> lines = run(List.of("-Dcareflow.log.format=text"), Map.of("CAREFLOW_LOG_FORMAT", "json"));

        assertThat(lines.get(0)).endsWith("INFO  LogFormatProbe - probe started with 0 argument(s)");
    }

    /** Runs {@link LogFormatProbe} in a child JVM with the module's log4j2.xml and returns its standard output's lines. */
    private static List<String> run(List<String> jvmArgs, Map<String, String> env) throws IOException, InterruptedException, URISyntaxException {
        Path config = Path.of(LogFormatTest.class.getResource("/log4j2.xml").toURI());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), "-Dlog4j2.configurationFile=" + config));
        command.addAll(jvmArgs);
        command.add(LogFormatProbe.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove("CAREFLOW_LOG_FORMAT");
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the probe JVM ended").isTrue();
        assertThat(process.exitValue()).isZero();
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    private static List<JsonNode> json(List<String> lines) throws IOException {
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : lines) {
            JsonNode node = MAPPER.readTree(line);
            assertThat(node.isObject()).as("a JSON object: %s", line).isTrue();
            parsed.add(node);
        }
        return parsed;
    }
}
