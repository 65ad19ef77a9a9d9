package io.stockula.etl.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One record on its way to a target table: values in the table spec's column order, where it came from, and
 * the reasons it breaks a rule (none for a valid row).
 */
public final class Row {

    private final Object[] values;
    private final String sourceKey;
    private final Object original;
    private List<String> reasons;
    private boolean merged;
    private long keyHash;
    private boolean keyHashed;

    public Row(int width, String sourceKey, Object original) {
        this.values = new Object[width];
        this.sourceKey = sourceKey;
        this.original = original;
    }

    public Object[] values() {
        return values;
    }

    public Object get(int i) {
        return values[i];
    }

    public void set(int i, Object value) {
        values[i] = value;
    }

    public String sourceKey() {
        return sourceKey;
    }

    /** The record as read from its source, kept for the rejected-records table. */
    public Object original() {
        return original;
    }

    /** Adds a machine-readable reason, e.g. {@code high_below_low} or {@code not_numeric:open_price}. */
    public void reject(String reason) {
        if (reasons == null) {
            reasons = new ArrayList<>(2);
        }
        if (!reasons.contains(reason)) {
            reasons.add(reason);
        }
    }

    public boolean isValid() {
        return reasons == null;
    }

    public List<String> reasons() {
        return reasons == null ? List.of() : reasons;
    }

    /** Set when an earlier row of the same run had the same natural key (e.g. "aapl" and "AAPL" on one day). */
    public boolean isMerged() {
        return merged;
    }

    public void markMerged() {
        this.merged = true;
    }

    /** The natural key's values, for de-duplication inside a batch. */
    public List<Object> key(TableSpec spec) {
        int[] idx = spec.keyIndexes();
        Object[] k = new Object[idx.length];
        for (int i = 0; i < idx.length; i++) {
            k[i] = values[idx[i]];
        }
        return java.util.Arrays.asList(k);
    }

    /** A 64-bit hash of the natural key, for remembering which keys a run has seen without keeping them. */
    public long keyHash(TableSpec spec) {
        if (!keyHashed) { // computed once: the run's merge tracking and the writer's de-duplication both ask
            long h = 0xcbf29ce484222325L;
            for (int i : spec.keyIndexes()) {
                h = mix(h ^ hash64(values[i]));
            }
            keyHash = h;
            keyHashed = true;
        }
        return keyHash;
    }

    private static long hash64(Object v) {
        if (v == null) {
            return 0x9e3779b97f4a7c15L;
        }
        if (v instanceof CharSequence s) {
            long h = 0xcbf29ce484222325L; // FNV-1a over the chars
            for (int i = 0; i < s.length(); i++) {
                h = (h ^ s.charAt(i)) * 0x100000001b3L;
            }
            return h;
        }
        if (v instanceof Double d) {
            return Double.doubleToLongBits(d);
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        if (v instanceof java.time.OffsetDateTime t) {
            return t.toEpochSecond() * 1_000_000_007L + t.getNano();
        }
        if (v instanceof java.time.LocalDate d) {
            return d.toEpochDay();
        }
        return hash64(v.toString());
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
