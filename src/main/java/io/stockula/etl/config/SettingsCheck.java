package io.stockula.etl.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.quartz.CronExpression;

/**
 * Checks every setting before a command does anything, so that a bad value ends it with exit 2 and one sentence
 * naming the key, the value and what it accepts, rather than with a Java message halfway through (or, worse, with
 * exit 0 having done nothing: {@code --batch-size 0}). The kind of most keys is read off their bundled default
 * (a number, a duration like {@code 30s}, a boolean), so a new key is checked without being listed here; ranges,
 * crons and enumerations are listed.
 */
public final class SettingsCheck {

    private static final Pattern INTEGER = Pattern.compile("-?\\d+");
    private static final Pattern DURATION = Pattern.compile("\\d+(ms|s|m|h|d)");

    /** key, lowest, highest, what the number is (for the sentence), the command option that sets it */
    private record Range(String key, long min, long max, String meaning, String option) {
    }

    private static final List<Range> RANGES = List.of(
            new Range("stockula.sqlite.batch-size", 1, 1_000_000, "rows per batch", "--batch-size"),
            new Range("stockula.sqlite.queue-size", 1, 1_000, "batches read ahead", null),
            new Range("stockula.sqlite.poll-interval", 1, Long.MAX_VALUE, "milliseconds between polls", null),
            new Range("stockula.sqlite.busy-timeout", 0, Long.MAX_VALUE, "milliseconds", null),
            new Range("stockula.sqlite.look-back", 0, Long.MAX_VALUE, "milliseconds (0: off)", null),
            new Range("stockula.db.pool-size", 1, 1_000, "connections", null),
            new Range("stockula.cluster.checkin-interval", 500, 600_000, "milliseconds between Quartz check-ins", null),
            new Range("stockula.sqlite.leader-retry", 100, 3_600_000, "milliseconds between leader attempts", null),
            new Range("stockula.embedded.port", 1, 65_535, "a TCP port", null),
            new Range("camel.management.port", 1, 65_535, "a TCP port", "--port"),
            new Range("stockula.redelivery.maximum-redeliveries", 0, 1_000, "redeliveries", null),
            new Range("stockula.redelivery.delay", 0, Long.MAX_VALUE, "milliseconds", null),
            new Range("stockula.redelivery.maximum-delay", 0, Long.MAX_VALUE, "milliseconds", null),
            new Range("stockula.database.probe-period", 1, Long.MAX_VALUE, "milliseconds", null),
            new Range("stockula.quality.startup-delay", 0, Long.MAX_VALUE, "milliseconds", null),
            new Range("stockula.yahoo.concurrency", 1, 64, "requests in flight", null),
            new Range("stockula.yahoo.options.expirations", 1, 100, "expirations", null),
            new Range("stockula.yahoo.prices.intraday-overlap-bars", 0, 10_000, "bars", null),
            new Range("stockula.yahoo.deactivate.misses", 1, 1_000, "404 answers in a row", null),
            new Range("stockula.yahoo.deactivate.days", 0, 3_650, "days", null),
            new Range("stockula.yahoo.max-body-bytes", 1_024, Long.MAX_VALUE, "bytes of one answer", null));

    private static final Map<String, List<String>> CHOICES = Map.of(
            "stockula.schema.mode", List.of("auto", "timescaledb", "postgres"));

    private SettingsCheck() {
    }

    /** Throws {@link InvalidSettingException} naming the first bad setting. */
    public static void validate(EtlSettings settings) {
        List<String> problems = problems(settings);
        if (!problems.isEmpty()) {
            throw new InvalidSettingException(problems.get(0)
                    + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more: " + String.join("; ", problems.subList(1, problems.size())) + ")" : ""));
        }
    }

    static List<String> problems(EtlSettings settings) {
        List<String> out = new ArrayList<>();
        String kafka = KafkaSettings.from(settings).problem();
        if (kafka != null) {
            out.add(kafka);
        }
        Properties defaults = bundledDefaults();
        for (String key : defaults.stringPropertyNames()) {
            String def = defaults.getProperty(key).trim();
            String value = settings.get(key);
            if (value == null || def.isEmpty()) {
                continue;
            }
            if (key.endsWith(".cron")) {
                if (!CronExpression.isValidExpression(value)) {
                    out.add(say(key, value, "is not a Quartz cron expression (seconds minutes hours day-of-month "
                            + "month day-of-week, e.g. 0 0 1 * * ?)"));
                }
            } else if (def.equals("true") || def.equals("false")) {
                if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                    out.add(say(key, value, "is not true or false"));
                }
            } else if (INTEGER.matcher(def).matches() && !key.equals("stockula.redelivery.multiplier")) {
                if (!INTEGER.matcher(value).matches()) {
                    out.add(say(key, value, "is not a whole number"));
                }
            } else if (DURATION.matcher(def).matches()) {
                if (!DURATION.matcher(value.toLowerCase()).matches() && !INTEGER.matcher(value).matches()) {
                    out.add(say(key, value, "is not a duration (e.g. 1500ms, 30s, 5m, 2h, 7d)"));
                }
            }
        }
        for (Range r : RANGES) {
            String value = settings.get(r.key());
            if (value == null || !INTEGER.matcher(value).matches()) {
                continue;
            }
            long n;
            try {
                n = Long.parseLong(value);
            } catch (NumberFormatException e) {
                n = Long.MAX_VALUE;
            }
            if (n < r.min() || n > r.max()) {
                String bound = r.max() == Long.MAX_VALUE ? "at least " + r.min() : "between " + r.min() + " and " + r.max();
                out.add((r.option() == null ? "" : r.option() + " / ") + say(r.key(), value,
                        "must be " + bound + " (" + r.meaning() + ")"));
            }
        }
        CHOICES.forEach((key, allowed) -> {
            String value = settings.get(key);
            if (value != null && !allowed.contains(value.trim().toLowerCase())) {
                out.add(say(key, value, "is not one of " + String.join(", ", allowed)));
            }
        });
        if (settings.getBoolean("stockula.cluster.enabled", false) && settings.get("stockula.db.url") == null) {
            out.add(say("stockula.cluster.enabled", settings.get("stockula.cluster.enabled"), "needs a target database"
                    + " that every runtime shares (stockula.db.url / --db): the embedded default belongs to one process"));
        }
        String instanceId = settings.get("stockula.instance-id");
        if (instanceId != null && instanceId.trim().length() > InstanceId.MAX_LENGTH) {
            out.add(say("stockula.instance-id", instanceId, "is longer than " + InstanceId.MAX_LENGTH + " characters"));
        }
        number(settings, "stockula.yahoo.requests-per-second", 0, 1_000, "requests per second, 0 = unpaced", out);
        number(settings, "stockula.redelivery.multiplier", 1, 100, "the factor between redelivery delays", out);
        number(settings, "stockula.yahoo.throttle.jitter", 0, 0.9, "a fraction of the pause", out);
        return out;
    }

    private static void number(EtlSettings settings, String key, double min, double max, String meaning, List<String> out) {
        String value = settings.get(key);
        if (value == null) {
            return;
        }
        try {
            double d = Double.parseDouble(value);
            if (d >= min && d <= max) {
                return;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        out.add(say(key, value, "must be a number from " + min + " to " + max + " (" + meaning + ")"));
    }

    private static String say(String key, String value, String problem) {
        return key + " = " + value + ": " + problem;
    }

    private static Properties bundledDefaults() {
        Properties p = new Properties();
        try (InputStream in = SettingsCheck.class.getResourceAsStream("/application.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled application.properties", e);
        }
        return p;
    }

    /** A setting that cannot be used: exit 2. */
    public static final class InvalidSettingException extends IllegalArgumentException {
        public InvalidSettingException(String message) {
            super(message);
        }
    }
}
