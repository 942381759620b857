package org.careflow.bench.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.utils.AppInfoParser;

/** What the figures were measured on: the machine, the JVM, and the versions of what was measured. */
public final class MachineInfo {

    private MachineInfo() {
    }

    /** The system load average of the last minute, or a negative value where the OS does not say. */
    public static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    static Map<String, Object> machine(double loadAtStart) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("os", os.getName() + " " + os.getVersion());
        out.put("arch", os.getArch());
        out.put("cores", Runtime.getRuntime().availableProcessors());
        cpuModel().ifPresent(model -> out.put("cpu", model));
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            out.put("memoryTotalBytes", sun.getTotalMemorySize());
            out.put("memoryFreeBytesAtEnd", sun.getFreeMemorySize());
        }
        out.put("loadAverageAtStart", loadAtStart);
        out.put("loadAverageAtEnd", os.getSystemLoadAverage());
        return out;
    }

    static Map<String, Object> jvm() {
        Runtime runtime = Runtime.getRuntime();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", Runtime.version().toString());
        out.put("vendor", System.getProperty("java.vendor"));
        out.put("vm", System.getProperty("java.vm.name"));
        out.put("maxHeapBytes", runtime.maxMemory());
        out.put("gc", ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList());
        out.put("arguments", ManagementFactory.getRuntimeMXBean().getInputArguments());
        return out;
    }

    /** The build's versions (careflow, Kafka, ...), and the Kafka version the classpath really has. */
    static Map<String, Object> versions() {
        Map<String, Object> out = new LinkedHashMap<>();
        Properties built = new Properties();
        try (InputStream in = MachineInfo.class.getResourceAsStream("/org/careflow/bench/versions.properties")) {
            if (in != null) {
                built.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read versions.properties", e);
        }
        built.stringPropertyNames().stream().sorted().forEach(name -> out.put(name, built.getProperty(name)));
        out.put("kafkaRuntime", AppInfoParser.getVersion());
        return out;
    }

    private static java.util.Optional<String> cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return java.util.Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(cpuinfo);
            return lines.stream().filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst();
        } catch (IOException | UncheckedIOException e) {
            return java.util.Optional.empty();
        }
    }
}
