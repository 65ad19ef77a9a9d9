package io.stockula.etl.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How the runtime authenticates to Kafka: {@code stockula.kafka.security-protocol}, SASL {@code username} and
 * {@code password} (or {@code password-file}) with a {@code sasl-mechanism}, a {@code ssl-truststore-*} for a private
 * CA, and {@code stockula.kafka.client.<property>} for any other Kafka client property (mTLS keystores, OAUTHBEARER,
 * ...), which wins. The same properties go to every Kafka client of the runtime: the Camel component (producer and
 * consumers) and the admin clients (topic creation, lag probe).
 *
 * <p>The password is registered with {@link Secrets} (masked in every line we print) and {@link #toString} shows none;
 * Kafka prints password-typed properties ({@code sasl.jaas.config}, {@code ssl.*.password}) as {@code [hidden]}.
 */
public final class KafkaSecurity {

    static final String CLIENT_PREFIX = "stockula.kafka.client.";
    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final Map<String, String> LOGIN_MODULES = Map.of(
            "PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule",
            "SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule",
            "SCRAM-SHA-512", "org.apache.kafka.common.security.scram.ScramLoginModule");

    private final String protocol;
    private final String mechanism;
    private final String username;
    private final String password;
    private final String truststoreLocation;
    private final String truststorePassword;
    private final Map<String, String> passThrough;
    private final String problem;

    private KafkaSecurity(String protocol, String mechanism, String username, String password, String truststoreLocation,
                          String truststorePassword, Map<String, String> passThrough, String problem) {
        this.protocol = protocol;
        this.mechanism = mechanism;
        this.username = username;
        this.password = password;
        this.truststoreLocation = truststoreLocation;
        this.truststorePassword = truststorePassword;
        this.passThrough = passThrough;
        this.problem = problem;
    }

    public static KafkaSecurity from(EtlSettings s) {
        String problem = null;
        String password = s.get("stockula.kafka.password");
        String file = s.get("stockula.kafka.password-file");
        if (file != null) {
            try {
                password = Files.readString(Path.of(file)).strip();
            } catch (IOException e) {
                problem = "cannot read stockula.kafka.password-file " + file + ": " + e.getMessage();
            }
        }
        Map<String, String> passThrough = new LinkedHashMap<>();
        for (String key : s.asProperties().stringPropertyNames()) {
            String value = s.get(key);
            if (key.startsWith(CLIENT_PREFIX) && value != null) {
                passThrough.put(key.substring(CLIENT_PREFIX.length()), value);
            }
        }
        Secrets.register(password);
        Secrets.register(s.get("stockula.kafka.ssl-truststore-password"));
        passThrough.forEach((k, v) -> {
            if (k.contains("password") || k.contains("jaas")) {
                Secrets.register(v);
            }
        });
        return new KafkaSecurity(s.get("stockula.kafka.security-protocol", "PLAINTEXT").toUpperCase(Locale.ROOT),
                s.get("stockula.kafka.sasl-mechanism", "PLAIN").toUpperCase(Locale.ROOT),
                s.get("stockula.kafka.username"), password, s.get("stockula.kafka.ssl-truststore-location"),
                s.get("stockula.kafka.ssl-truststore-password"), passThrough, problem);
    }

    /** The Kafka client properties for every client of the runtime (empty on a plaintext cluster). */
    public Map<String, Object> clientProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("security.protocol", protocol);
        if (protocol.startsWith("SASL_")) {
            p.put("sasl.mechanism", mechanism);
            if (username != null && password != null && LOGIN_MODULES.containsKey(mechanism)) {
                p.put("sasl.jaas.config", LOGIN_MODULES.get(mechanism) + " required username=\"" + jaasQuote(username)
                        + "\" password=\"" + jaasQuote(password) + "\";");
            }
        }
        if (truststoreLocation != null) {
            p.put("ssl.truststore.location", truststoreLocation);
        }
        if (truststorePassword != null) {
            p.put("ssl.truststore.password", truststorePassword);
        }
        p.putAll(passThrough);
        return p;
    }

    /** What the settings check refuses (exit 2), or null. Never shows a secret. */
    public String problem() {
        if (problem != null) {
            return problem;
        }
        if (!PROTOCOLS.contains(protocol)) {
            return "stockula.kafka.security-protocol must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL (it is '"
                    + protocol + "')";
        }
        if (truststoreLocation != null && !Files.isReadable(Path.of(truststoreLocation))) {
            return "stockula.kafka.ssl-truststore-location " + truststoreLocation + " is not a readable file";
        }
        boolean jaasGiven = passThrough.containsKey("sasl.jaas.config");
        if ((username == null) != (password == null) && !jaasGiven) {
            return username == null ? "stockula.kafka.password is set but stockula.kafka.username is not"
                    : "stockula.kafka.username is set but no password (stockula.kafka.password or password-file)";
        }
        if (protocol.startsWith("SASL_") && !jaasGiven) {
            if (!LOGIN_MODULES.containsKey(mechanism)) {
                return "stockula.kafka.sasl-mechanism " + mechanism + " needs its login in stockula.kafka.client"
                        + ".sasl.jaas.config (username/password work with PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)";
            }
            if (username == null) {
                return "stockula.kafka.security-protocol " + protocol + " needs stockula.kafka.username and"
                        + " stockula.kafka.password (or password-file), or stockula.kafka.client.sasl.jaas.config";
            }
        }
        if (!protocol.startsWith("SASL_") && username != null && !passThrough.containsKey("security.protocol")) {
            return "stockula.kafka.username is set but stockula.kafka.security-protocol is " + protocol
                    + ": credentials go only over SASL_SSL or SASL_PLAINTEXT";
        }
        return null;
    }

    /** A double-quoted JAAS value: backslash and quote escaped (a password may hold either). */
    static String jaasQuote(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public String toString() {
        return "KafkaSecurity[protocol=" + protocol + (protocol.startsWith("SASL_") ? ", mechanism=" + mechanism
                + ", username=" + username : "") + (truststoreLocation == null ? "" : ", truststore=" + truststoreLocation)
                + (passThrough.isEmpty() ? "" : ", client properties=" + passThrough.keySet()) + "]";
    }
}
