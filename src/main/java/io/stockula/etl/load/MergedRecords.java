package io.stockula.etl.load;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the losing version of every merge in {@code merged_records}, in the transaction of the batch that made
 * it, so that an operator can see and undo the choice:
 * <ul>
 *   <li>two rows of one batch with one key ({@code aapl} and {@code AAPL} on one day): the batch keeps the one with
 *       the newest as_of (the later one when equal or the table has none), the other is recorded here;</li>
 *   <li>a row whose key an earlier batch of the same run already wrote (flagged merged by the reader): the stored
 *       row is read before the upsert; whichever of the two the upsert did not keep is recorded here.</li>
 * </ul>
 */
final class MergedRecords {

    static final String OLDER_AS_OF = "older_as_of";
    static final String READ_EARLIER = "same_as_of_read_earlier";
    static final String STORED = "stored row";

    /** One losing version. */
    record Loss(String sourceKey, String winnerKey, String reason, Object record) {
    }

    private final List<Loss> losses = new ArrayList<>();
    private final Map<List<Object>, Row> crossBatch = new HashMap<>();
    private Map<List<Object>, String> before = Map.of();

    void lost(Row loser, Row winner, TableSpec spec) {
        losses.add(new Loss(loser.sourceKey(), winner.sourceKey(), reason(loser, winner, spec), loser.original()));
    }

    /** Which of two rows with one key wins: the newer as_of; when equal (or none), the later one. */
    static boolean replaces(Row later, Row earlier, TableSpec spec) {
        if (!spec.has(TableSpec.AS_OF)) {
            return true;
        }
        Instant a = asOf(later, spec);
        Instant b = asOf(earlier, spec);
        return b == null || (a != null && !a.isBefore(b));
    }

    private static String reason(Row loser, Row winner, TableSpec spec) {
        if (!spec.has(TableSpec.AS_OF)) {
            return READ_EARLIER;
        }
        Instant l = asOf(loser, spec);
        Instant w = asOf(winner, spec);
        return l != null && l.equals(w) || (l == null && w == null) ? READ_EARLIER : OLDER_AS_OF;
    }

    private static Instant asOf(Row r, TableSpec spec) {
        Object v = r.get(spec.index(TableSpec.AS_OF));
        return v instanceof OffsetDateTime o ? o.toInstant() : (Instant) v;
    }

    /** Before the upsert: the stored versions of the keys that an earlier batch of the run wrote. */
    void snapshot(Connection c, TableSpec spec, List<Row> rows) throws SQLException {
        for (Row r : rows) {
            if (r.isMerged()) {
                crossBatch.put(r.key(spec), r);
            }
        }
        if (!crossBatch.isEmpty()) {
            before = stored(c, spec);
        }
    }

    /** After the upsert: the version that did not survive, and every in-batch loser, into merged_records. */
    void write(Connection c, Batch batch) throws SQLException {
        TableSpec spec = batch.spec();
        if (!crossBatch.isEmpty()) {
            Map<List<Object>, String> after = stored(c, spec);
            for (Map.Entry<List<Object>, Row> e : crossBatch.entrySet()) {
                String old = before.get(e.getKey());
                String now = after.get(e.getKey());
                Row row = e.getValue();
                if (old == null) {
                    continue; // nothing was stored (the earlier batch's row was rejected): no merge in the target
                }
                if (old.equals(now)) {
                    losses.add(new Loss(row.sourceKey(), STORED, OLDER_AS_OF, row.original()));
                } else {
                    losses.add(new Loss(STORED, row.sourceKey(), READ_EARLIER, new RawJson(old)));
                }
            }
        }
        if (losses.isEmpty()) {
            return;
        }
        // rows read again (the sync's look-back) merge again: a loss already kept is not kept twice
        String sql = "INSERT INTO merged_records (source, source_table, target_table, source_key, winner_key, reason,"
                + " record, run_id) SELECT ?,?,?,?,?,?,?::jsonb,?" + (batch.isLookBack() ? " WHERE NOT EXISTS (SELECT 1"
                + " FROM merged_records x WHERE x.source = ? AND x.source_table = ? AND x.source_key = ?"
                + " AND x.winner_key = ? AND x.record = ?::jsonb)" : "");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Loss l : losses) {
                ps.setString(1, batch.source());
                ps.setString(2, batch.sourceTable());
                ps.setString(3, spec.table());
                ps.setString(4, l.sourceKey());
                ps.setString(5, l.winnerKey());
                ps.setString(6, l.reason());
                String record = l.record() instanceof RawJson j ? j.json() : BatchWriter.recordJson(l.record());
                ps.setString(7, record);
                if (batch.runId() == null) {
                    ps.setNull(8, java.sql.Types.BIGINT);
                } else {
                    ps.setLong(8, batch.runId());
                }
                if (batch.isLookBack()) {
                    ps.setString(9, batch.source());
                    ps.setString(10, batch.sourceTable());
                    ps.setString(11, l.sourceKey());
                    ps.setString(12, l.winnerKey());
                    ps.setString(13, record);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The stored rows of the cross-batch keys, as JSON text (to_jsonb of the whole row), by key. */
    private Map<List<Object>, String> stored(Connection c, TableSpec spec) throws SQLException {
        Map<List<Object>, String> out = new HashMap<>();
        String where = spec.key().stream().map(k -> "\"" + k + "\" = ?").reduce((a, b) -> a + " AND " + b).orElseThrow();
        try (PreparedStatement ps = c.prepareStatement("SELECT to_jsonb(t) - 'updated_at' FROM " + spec.table()
                + " t WHERE " + where)) {
            for (List<Object> key : crossBatch.keySet()) {
                for (int i = 0; i < key.size(); i++) {
                    ps.setObject(i + 1, key.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        out.put(key, rs.getString(1));
                    }
                }
            }
        }
        return out;
    }

    private record RawJson(String json) {
    }
}
