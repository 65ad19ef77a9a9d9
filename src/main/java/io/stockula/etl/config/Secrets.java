package io.stockula.etl.config;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of every line we print or store: the database password (however it was given: URL, environment,
 * password file) is registered when the pool is built, and {@link #redact} replaces it, plus anything shaped like a
 * credential in a URL ({@code password=...}, {@code //user:password@host}), with {@code ***}. Error lines, run
 * history and dead letters go through it; the log layout applies the same URL patterns (log4j2.properties).
 */
public final class Secrets {

    /** Shorter values would blank out ordinary words; a password that short is not a secret anyway. */
    private static final int MIN_LENGTH = 4;
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&\\s;]*");
    private static final Pattern USER_INFO = Pattern.compile("//[^/@\\s]*:[^/@\\s]*@");
    private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();

    private Secrets() {
    }

    public static void register(String secret) {
        if (secret != null && secret.length() >= MIN_LENGTH) {
            KNOWN.add(secret);
        }
    }

    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : KNOWN) {
            out = out.replace(secret, "***");
        }
        out = PASSWORD_PARAM.matcher(out).replaceAll("$1***");
        return USER_INFO.matcher(out).replaceAll("//***@");
    }

    /** The {@code password=} parameter of a JDBC URL, or null. */
    public static String passwordParameter(String url) {
        Matcher m = Pattern.compile("(?i)[?&;]password=([^&]*)").matcher(url);
        return m.find() ? java.net.URLDecoder.decode(m.group(1), java.nio.charset.StandardCharsets.UTF_8) : null;
    }
}
