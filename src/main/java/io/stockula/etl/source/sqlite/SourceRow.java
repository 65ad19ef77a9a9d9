package io.stockula.etl.source.sqlite;

import java.util.AbstractMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One SQLite row as a read-only map from lower-case column name to value, sharing the column index of its
 * result set: a lookup is one hash probe and an array read (Spring's case-insensitive row maps lower-case
 * every key on every get, which dominated the reader's CPU).
 */
final class SourceRow extends AbstractMap<String, Object> {

    private final Map<String, Integer> index;
    private final Object[] values;

    SourceRow(Map<String, Integer> index, Object[] values) {
        this.index = index;
        this.values = values;
    }

    @Override
    public Object get(Object key) {
        Integer i = index.get(key);
        if (i == null && key instanceof String s) {
            i = index.get(s.toLowerCase());
        }
        return i == null ? null : values[i];
    }

    @Override
    public boolean containsKey(Object key) {
        return index.containsKey(key);
    }

    /** Only used to show a rejected record: builds an ordered copy. */
    @Override
    public Set<Entry<String, Object>> entrySet() {
        Map<String, Object> m = new LinkedHashMap<>();
        index.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> m.put(e.getKey(), values[e.getValue()]));
        return m.entrySet();
    }

    static Map<String, Integer> indexOf(String[] names) {
        Map<String, Integer> m = new HashMap<>(names.length * 2);
        for (int i = 0; i < names.length; i++) {
            m.put(names[i], i);
        }
        return m;
    }
}
