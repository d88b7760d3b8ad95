package dutygraph.neo4jtestserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Result;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.io.ByteUnit;

/**
 * Starts a throw-away Neo4j community DBMS (via the official neo4j-harness) for tests.
 *
 * <p>Bolt listens on 127.0.0.1 only, authentication is enabled (user {@code neo4j}, password from
 * the environment variable {@code NEO4J_TEST_PASSWORD} or {@code --password}), HTTP is off unless
 * {@code --http-port} is given, and data lives in a temporary directory that is deleted on exit.
 *
 * <p>Protocol on stdout: exactly one line {@code READY bolt://127.0.0.1:PORT} once the DBMS
 * accepts Bolt connections and the password is set. Everything else (diagnostics, errors) goes to
 * stderr. The process stops cleanly on SIGTERM/SIGINT and, unless {@code --ignore-stdin} is given,
 * when its standard input reaches end-of-file (so it dies with the process that started it).
 *
 * <p>Exit codes: 0 clean stop, 2 bad arguments, 3 startup failure.
 */
public final class Launcher {

    static final String PASSWORD_ENV = "NEO4J_TEST_PASSWORD";
    static final String USER = "neo4j";
    static final int MIN_PASSWORD_LENGTH = 8;

    private static final PrintStream OUT = System.out;
    private static final PrintStream ERR = System.err;

    private Launcher() {}

    /** Parsed command line. */
    static final class Options {
        int port = 0; // 0 = let the OS choose a free port
        Integer httpPort = null; // null = HTTP disabled
        String password = null;
        Path dataDir = null; // null = fresh temp dir, deleted on exit
        Path copyFrom = null; // a DBMS folder whose databases the server starts with (an admin import)
        String pageCache = "256m";
        String txMemoryMax = "256m";
        boolean ignoreStdin = false;
    }

    private static void usage(PrintStream s) {
        s.println("usage: Launcher [--port N] [--http-port N] [--password PW] [--data-dir DIR]");
        s.println("                [--pagecache SIZE] [--tx-memory-max SIZE] [--ignore-stdin]");
        s.println("  --port N           Bolt port on 127.0.0.1 (default 0 = any free port)");
        s.println("  --http-port N      also enable HTTP on 127.0.0.1:N (0 = any free port); default off");
        s.println("  --password PW      password of user neo4j (prefer env " + PASSWORD_ENV + "; min "
                + MIN_PASSWORD_LENGTH + " chars)");
        s.println("  --data-dir DIR     parent directory for the DBMS files (kept); default a temp dir (deleted)");
        s.println("  --pagecache SIZE   page cache size, e.g. 256m (default 256m)");
        s.println("  --tx-memory-max S  global transaction memory limit (default 256m)");
        s.println("  --copy-from DIR    start with the databases of DIR (e.g. written by neo4j-admin import)");
        s.println("  --ignore-stdin     do not stop when stdin is closed (e.g. started with </dev/null)");
    }

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                v = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--help":
                case "-h":
                    usage(OUT);
                    System.exit(0);
                    break;
                case "--ignore-stdin":
                    o.ignoreStdin = true;
                    break;
                case "--port":
                case "--http-port":
                case "--password":
                case "--data-dir":
                case "--pagecache":
                case "--tx-memory-max":
                case "--copy-from":
                    if (v == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(a + " needs a value");
                        }
                        v = args[++i];
                    }
                    switch (a) {
                        case "--port" -> o.port = parsePort(a, v);
                        case "--http-port" -> o.httpPort = parsePort(a, v);
                        case "--password" -> o.password = v;
                        case "--data-dir" -> o.dataDir = Paths.get(v);
                        case "--pagecache" -> o.pageCache = v;
                        case "--copy-from" -> o.copyFrom = Paths.get(v);
                        default -> o.txMemoryMax = v;
                    }
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (o.password == null) {
            o.password = System.getenv(PASSWORD_ENV);
        }
        if (o.password == null || o.password.isEmpty()) {
            throw new IllegalArgumentException(
                    "no password: set env " + PASSWORD_ENV + " or pass --password");
        }
        if (o.password.length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException(
                    "password must have at least " + MIN_PASSWORD_LENGTH + " characters (Neo4j default policy)");
        }
        return o;
    }

    private static int parsePort(String name, String v) {
        int p;
        try {
            p = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a number: " + v);
        }
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException(name + ": out of range: " + v);
        }
        return p;
    }

    public static void main(String[] args) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            ERR.println("neo4j-test-server: " + e.getMessage());
            usage(ERR);
            System.exit(2);
            return;
        }
        System.exit(run(o));
    }

    static int run(Options o) {
        final Path workRoot;
        final boolean deleteWorkRoot = o.dataDir == null;
        try {
            if (o.dataDir == null) {
                workRoot = Files.createTempDirectory("dutygraph-neo4j-");
            } else {
                workRoot = Files.createDirectories(o.dataDir.toAbsolutePath());
            }
        } catch (IOException e) {
            ERR.println("neo4j-test-server: cannot create data directory: " + e);
            return 3;
        }

        final Object lock = new Object();
        final Neo4j[] holder = new Neo4j[1];
        final AtomicBoolean stopping = new AtomicBoolean(false);
        final CountDownLatch stopped = new CountDownLatch(1);

        // Runs on SIGTERM/SIGINT and on System.exit (stdin EOF): close the DBMS cleanly.
        Thread hook = new Thread(() -> {
            stopping.set(true);
            synchronized (lock) {
                Neo4j neo = holder[0];
                holder[0] = null;
                if (neo != null) {
                    ERR.println("neo4j-test-server: stopping");
                    try {
                        neo.close();
                    } catch (Throwable t) {
                        ERR.println("neo4j-test-server: error during shutdown: " + t);
                    }
                }
                if (deleteWorkRoot) {
                    deleteRecursively(workRoot);
                }
                ERR.println("neo4j-test-server: stopped");
                ERR.flush();
            }
            stopped.countDown();
        }, "neo4j-test-server-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        long t0 = System.nanoTime();
        Neo4j neo;
        try {
            Neo4jBuilder b = Neo4jBuilders.newInProcessBuilder(workRoot)
                    .withConfig(GraphDatabaseSettings.auth_enabled, true)
                    .withConfig(BoltConnector.enabled, true)
                    .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", o.port))
                    .withConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", o.port))
                    .withConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    .withConfig(BoltConnector.thread_pool_max_size, 50)
                    .withConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.parse(o.pageCache))
                    .withConfig(GraphDatabaseSettings.memory_transaction_global_max_size,
                            ByteUnit.parse(o.txMemoryMax))
                    .withConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    .withConfig(GraphDatabaseSettings.udc_enabled, false)
                    // Test server: don't linger 2x5 s in Netty's graceful-shutdown quiet period.
                    .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0);
            if (o.copyFrom != null) {
                b = b.copyFrom(o.copyFrom);
            }
            if (o.httpPort == null) {
                b = b.withDisabledServer();
            } else {
                b = b.withConfig(HttpConnector.enabled, true)
                        .withConfig(HttpConnector.listen_address, new SocketAddress("127.0.0.1", o.httpPort));
            }
            synchronized (lock) {
                if (stopping.get()) {
                    return 0;
                }
                neo = b.build();
                holder[0] = neo;
            }
            // A fresh DBMS has user neo4j with password "neo4j" (change required). The embedded API
            // runs with full privileges, so set the real password here, before READY is printed.
            // (Bolt already listens on loopback in this short window, but the default password
            // only allows changing the password, and nobody knows the port yet.)
            neo.databaseManagementService()
                    .database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME)
                    .executeTransactionally(
                            "ALTER USER " + USER + " SET PASSWORD $password CHANGE NOT REQUIRED",
                            Map.of("password", o.password));
        } catch (Throwable t) {
            t.printStackTrace(ERR);
            dumpLogTail(workRoot, ERR);
            Throwable root = t;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            // last line on purpose: callers show the tail of this output
            ERR.println("neo4j-test-server: startup failed: " + t + (root != t ? " (root cause: " + root + ")" : ""));
            return 3;
        }

        URI bolt = neo.boltURI();
        int port = bolt.getPort();
        String version = describe(neo.defaultDatabaseService());
        ERR.printf("neo4j-test-server: %s started in %d ms, data in %s%n",
                version, (System.nanoTime() - t0) / 1_000_000, workRoot);
        if (o.httpPort != null) {
            ERR.println("neo4j-test-server: HTTP at " + neo.httpURI());
        }
        OUT.println("READY bolt://127.0.0.1:" + port);
        OUT.flush();

        if (!o.ignoreStdin) {
            Thread watcher = new Thread(() -> {
                try {
                    InputStream in = System.in;
                    byte[] buf = new byte[256];
                    while (in.read(buf) >= 0) {
                        // discard; we only care about end-of-file
                    }
                } catch (IOException ignored) {
                    // treat like EOF
                }
                if (!stopping.get()) {
                    ERR.println("neo4j-test-server: stdin closed");
                    System.exit(0);
                }
            }, "neo4j-test-server-stdin");
            watcher.setDaemon(true);
            watcher.start();
        }

        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String describe(GraphDatabaseService db) {
        try {
            return db.executeTransactionally(
                    "CALL dbms.components() YIELD name, versions, edition "
                            + "RETURN name + ' ' + versions[0] + ' ' + edition AS v",
                    Map.of(),
                    (Result r) -> r.hasNext() ? String.valueOf(r.next().get("v")) : "Neo4j (unknown version)");
        } catch (RuntimeException e) {
            return "Neo4j (version query failed: " + e.getMessage() + ")";
        }
    }

    private static void dumpLogTail(Path root, PrintStream err) {
        try (Stream<Path> s = Files.walk(root)) {
            List<Path> logs = new ArrayList<>();
            s.filter(p -> p.getFileName().toString().equals("neo4j.log")
                    || p.getFileName().toString().equals("debug.log")).forEach(logs::add);
            for (Path p : logs) {
                List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
                int from = Math.max(0, lines.size() - 40);
                err.println("---- last lines of " + p + " ----");
                for (String line : lines.subList(from, lines.size())) {
                    err.println(line);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort only
        }
    }

    private static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            ERR.println("neo4j-test-server: could not delete " + root + ": " + e);
        }
    }
}
