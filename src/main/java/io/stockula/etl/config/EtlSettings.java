package io.stockula.etl.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The configuration of one process, merged from (lowest to highest precedence): the bundled
 * {@code application.properties}, environment variables named after a key ({@code stockula.db.url} is
 * {@code STOCKULA_DB_URL}, dots and dashes become underscores), JVM system properties, an optional file
 * ({@code --config} or {@code STOCKULA_CONFIG}: what is named for this run beats the ambient environment), and
 * command-line options. Camel receives the merged result, so routes
 * read the same values as {@code {{stockula.x}}}.
 */
public final class EtlSettings {

    private final Map<String, String> values;

    private EtlSettings(Map<String, String> values) {
        this.values = values;
    }

    public static EtlSettings load(Path configFile, Map<String, String> overrides) {
        return load(configFile, overrides, System.getenv());
    }

    static EtlSettings load(Path configFile, Map<String, String> overrides, Map<String, String> env) {
        Map<String, String> merged = new LinkedHashMap<>();
        try (InputStream in = EtlSettings.class.getResourceAsStream("/application.properties")) {
            if (in != null) {
                putAll(merged, in);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled application.properties", e);
        }
        for (String key : merged.keySet().toArray(String[]::new)) {
            String fromEnv = env.get(envName(key));
            if (fromEnv != null) {
                merged.put(key, fromEnv);
            }
        }
        // keys that have no default still take an environment value (e.g. STOCKULA_SQLITE_PATH)
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith("STOCKULA_") && !e.getKey().equals("STOCKULA_CONFIG")) {
                String key = e.getKey().toLowerCase().replace('_', '.');
                if (merged.keySet().stream().noneMatch(k -> envName(k).equals(e.getKey()))) {
                    merged.put(key, e.getValue());
                }
            }
        }
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("stockula.") || name.startsWith("camel.")) {
                merged.put(name, System.getProperty(name));
            }
        }
        Path file = configFile;
        if (file == null && env.get("STOCKULA_CONFIG") != null) {
            file = Path.of(env.get("STOCKULA_CONFIG"));
        }
        if (file != null) {
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("configuration file not readable: " + file);
            }
            try (InputStream in = Files.newInputStream(file)) {
                putAll(merged, in);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read configuration file " + file + ": " + e.getMessage());
            }
        }
        overrides.forEach((k, v) -> {
            if (v != null) {
                merged.put(k, v);
            }
        });
        return new EtlSettings(merged);
    }

    private static void putAll(Map<String, String> target, InputStream in) throws IOException {
        Properties p = new Properties();
        try (Reader r = new java.io.InputStreamReader(in, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        for (String name : p.stringPropertyNames()) {
            target.put(name, p.getProperty(name).trim());
        }
    }

    public static String envName(String key) {
        return key.toUpperCase().replace('.', '_').replace('-', '_');
    }

    public EtlSettings with(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(key, value);
        return new EtlSettings(copy);
    }

    public String get(String key) {
        String v = values.get(key);
        return v == null || v.isBlank() ? null : v;
    }

    public String get(String key, String defaultValue) {
        String v = get(key);
        return v == null ? defaultValue : v;
    }

    public int getInt(String key, int defaultValue) {
        String v = get(key);
        return v == null ? defaultValue : Integer.parseInt(v);
    }

    public long getLong(String key, long defaultValue) {
        String v = get(key);
        return v == null ? defaultValue : Long.parseLong(v);
    }

    public boolean getBoolean(String key, boolean defaultValue) {
        String v = get(key);
        return v == null ? defaultValue : Boolean.parseBoolean(v);
    }

    /** Durations as {@code 60s}, {@code 5m}, {@code 2h}, {@code 1500ms} or plain milliseconds. */
    public Duration getDuration(String key, Duration defaultValue) {
        String v = get(key);
        return v == null ? defaultValue : parseDuration(v);
    }

    public static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase();
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        char unit = s.charAt(s.length() - 1);
        if (Character.isDigit(unit)) {
            return Duration.ofMillis(Long.parseLong(s));
        }
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        return switch (unit) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException("not a duration: " + v);
        };
    }

    /** Every key and value, for handing to Camel. Secrets are included: never log this. */
    public Properties asProperties() {
        Properties p = new Properties();
        values.forEach((k, v) -> p.setProperty(k, v == null ? "" : v));
        return p;
    }
}
