package org.careflow.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.careflow.security.Role;
import org.careflow.security.SigningKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./careflow token}: prints a bearer token the local stack accepts, signed with the key it made in its data
 * directory. The token is the only line it prints, so that {@code curl -H "Authorization: Bearer $(./careflow token ...)"} works.
 */
public final class TokenCommand {

    /** The undecorated console: the token is the only line a successful run prints. */
    private static final Logger CONSOLE = LoggerFactory.getLogger("careflow.console");

    static final String USAGE = """
        usage: careflow token --role ROLE [--facility F]... [--patient P] [--ttl 1h] [--data-dir DIR]
          --role ROLE     clinician, scheduler, patient, integration or ops
          --facility F    a facility the token is scoped to (repeatable); clinician, scheduler and integration need one
          --patient P     the patient a patient token belongs to; only with --role patient, and required there
          --ttl D         lifetime: 30s, 15m, 1h, 8h or an ISO-8601 duration (PT1H); at most 24h; default 1h
          --data-dir DIR  the local stack's data directory (default .careflow/data)""";

    /** What the command line asked for. */
    record Request(Role role, Set<String> facilities, String patientId, Duration ttl, Path dataDir) {
    }

    private TokenCommand() {
    }

    public static void main(String[] args) {
        Request request;
        try {
            request = parse(List.of(args));
        } catch (IllegalArgumentException e) {
            CONSOLE.error("careflow token: {}\n{}", e.getMessage(), USAGE);
            System.exit(2);
            return;
        }
        try {
            CONSOLE.info("{}", mint(request));
        } catch (IllegalStateException e) {
            CONSOLE.error("careflow token: {}", e.getMessage());
            System.exit(1);
        }
    }

    static String mint(Request request) {
        return LocalAuth.load(request.dataDir()).token(request.role(), request.facilities(), request.patientId(), request.ttl());
    }

    static Request parse(List<String> args) {
        Deque<String> rest = new ArrayDeque<>(args);
        Role role = null;
        Set<String> facilities = new LinkedHashSet<>();
        String patient = null;
        Duration ttl = LocalAuth.DEFAULT_TTL;
        Path dataDir = Path.of(".careflow", "data");
        while (!rest.isEmpty()) {
            String flag = rest.removeFirst();
            switch (flag) {
                case "--role" -> {
                    String value = value(flag, rest);
                    role = Role.fromClaim(value.toLowerCase(Locale.ROOT))
                        .orElseThrow(() -> new IllegalArgumentException("--role must be one of clinician, scheduler, patient, integration, ops; got " + value));
                }
                case "--facility" -> facilities.add(value(flag, rest));
                case "--patient" -> patient = value(flag, rest);
                case "--ttl" -> ttl = duration(value(flag, rest));
                case "--data-dir" -> dataDir = Path.of(value(flag, rest));
                default -> throw new IllegalArgumentException("Unknown option " + flag);
            }
        }
        if (role == null) {
            throw new IllegalArgumentException("--role is required");
        }
        if ((role == Role.PATIENT) != (patient != null)) {
            throw new IllegalArgumentException(role == Role.PATIENT ? "--role patient needs --patient P" : "--patient is only for --role patient");
        }
        if (facilities.isEmpty() && (role == Role.CLINICIAN || role == Role.SCHEDULER || role == Role.INTEGRATION)) {
            throw new IllegalArgumentException("--role " + role.claimValue() + " needs at least one --facility F");
        }
        if (ttl.isZero() || ttl.isNegative() || ttl.compareTo(SigningKeys.MAX_TTL) > 0) {
            throw new IllegalArgumentException("--ttl must be more than 0 and at most 24h; got " + ttl);
        }
        return new Request(role, Set.copyOf(facilities), patient, ttl, dataDir);
    }

    /** {@code 30s}, {@code 15m}, {@code 1h}, {@code 2d} or an ISO-8601 duration. */
    static Duration duration(String text) {
        try {
            if (text.matches("\\d+[smhd]")) {
                long amount = Long.parseLong(text.substring(0, text.length() - 1));
                return switch (text.charAt(text.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
            }
            return Duration.parse(text);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("--ttl takes 30s, 15m, 1h or an ISO-8601 duration like PT1H; got " + text);
        }
    }

    private static String value(String flag, Deque<String> rest) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return rest.removeFirst();
    }
}
