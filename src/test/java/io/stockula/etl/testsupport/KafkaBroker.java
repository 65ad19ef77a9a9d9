package io.stockula.etl.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real single-node Kafka (Apache Kafka's own KRaft server, {@code kafka.Kafka}, broker and controller in one) in a
 * child JVM on loopback, with its log directory in a temporary folder. {@link #stop()} and {@link #start()} keep
 * the ports and the data, so a test can take Kafka away for a while and bring the same cluster back.
 */
public final class KafkaBroker implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final int controllerPort;
    /** a CLIENT listener taking SASL PLAIN with this one user (over TLS when {@link #tls} is set), or none */
    private final String[] saslUser;
    private final Tls tls;
    private final int saslPort;
    private Process process;

    /** The broker's TLS key pair and a truststore that trusts it (both PKCS12, one password): a private CA. */
    public record Tls(Path keystore, Path truststore, String password) {

        /** A self-signed certificate for 127.0.0.1 made by the JDK's keytool, and its truststore. */
        public static Tls create(Path dir) throws Exception {
            String pw = "changeit-" + UUID.randomUUID().toString().substring(0, 8);
            Path ks = dir.resolve("broker.p12");
            Path cert = dir.resolve("broker.crt");
            Path ts = dir.resolve("truststore.p12");
            keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                    "-keystore", ks.toString(), "-storepass", pw, "-keypass", pw);
            keytool("-exportcert", "-alias", "broker", "-keystore", ks.toString(), "-storepass", pw, "-rfc",
                    "-file", cert.toString());
            keytool("-importcert", "-noprompt", "-alias", "stockula-test-ca", "-file", cert.toString(),
                    "-storetype", "PKCS12", "-keystore", ts.toString(), "-storepass", pw);
            return new Tls(ks, ts, pw);
        }

        private static void keytool(String... args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
            }
        }
    }

    private KafkaBroker(Path dir, int port, int controllerPort, String[] saslUser, Tls tls, int saslPort) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.saslUser = saslUser;
        this.tls = tls;
        this.saslPort = saslPort;
    }

    /** Formats a new cluster in a temporary folder and starts it; returns once it answers an admin call. */
    public static KafkaBroker start(Path parent) throws Exception {
        return start(parent, null, null, null);
    }

    /**
     * As above, plus a second listener ({@link #saslBootstrapServers}) that takes SASL PLAIN with this one user only,
     * SASL_SSL with this key pair or SASL_PLAINTEXT without; the plaintext one stays for the tests' own admin calls.
     */
    public static KafkaBroker start(Path parent, String user, String password, Tls tls) throws Exception {
        Path dir = Files.createTempDirectory(parent, "kafka");
        KafkaBroker b = new KafkaBroker(dir, freePort(), freePort(), user == null ? null : new String[] {user, password},
                tls, user == null ? -1 : freePort());
        Files.writeString(dir.resolve("server.properties"), b.config());
        Process format = new ProcessBuilder(javaCmd(List.of("kafka.tools.StorageTool", "format", "-t",
                UUID.randomUUID().toString().replace("-", "").substring(0, 22), "-c",
                dir.resolve("server.properties").toString(), "--ignore-formatted")))
                .redirectErrorStream(true).redirectOutput(dir.resolve("format.log").toFile()).start();
        if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
            throw new IllegalStateException("kafka storage format failed: " + Files.readString(dir.resolve("format.log")));
        }
        b.start();
        return b;
    }

    private String config() {
        String sasl = saslUser == null ? "" : ",CLIENT://127.0.0.1:" + saslPort;
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + sasl + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port + sasl,
                "inter.broker.listener.name=PLAINTEXT",
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,CLIENT:"
                        + (tls == null ? "SASL_PLAINTEXT" : "SASL_SSL"),
                saslUser == null ? "" : "sasl.enabled.mechanisms=PLAIN",
                saslUser == null ? "" : "listener.name.client.plain.sasl.jaas.config="
                        + "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + saslUser[0] + "=\""
                        + saslUser[1] + "\";",
                tls == null ? "" : "listener.name.client.ssl.keystore.type=PKCS12",
                tls == null ? "" : "listener.name.client.ssl.keystore.location=" + tls.keystore(),
                tls == null ? "" : "listener.name.client.ssl.keystore.password=" + tls.password(),
                tls == null ? "" : "listener.name.client.ssl.key.password=" + tls.password(),
                "log.dirs=" + dir.resolve("logs"),
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=3",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                "num.partitions=1",
                "") ;
    }

    /** (Re)starts the broker on the same ports and data; returns when it serves admin requests. */
    public synchronized void start() throws Exception {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> args = new ArrayList<>(List.of("kafka.Kafka", dir.resolve("server.properties").toString()));
        process = new ProcessBuilder(javaCmd(args)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited: " + tail());
            }
            try (Admin admin = admin()) {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the Kafka broker did not answer in 90 s: " + last + "\n" + tail());
    }

    /** Kills the broker at once (SIGKILL: what a crashed machine looks like to the clients). */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    public boolean accepting() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The SASL listener (PLAIN, the one user given at start; over TLS when started with a key pair). */
    public String saslBootstrapServers() {
        return "127.0.0.1:" + saslPort;
    }

    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        return Admin.create(p);
    }

    public String tail() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("broker.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no broker log)";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static List<String> javaCmd(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path")));
        cmd.addAll(args);
        return cmd;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

}
