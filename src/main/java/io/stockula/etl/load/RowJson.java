package io.stockula.etl.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of a target table as JSON and back: the body of the dead letter of a row that the target refused, in
 * a form that {@code dlq replay} writes (route {@code sqlite-row-replay}). Values keep their column's type:
 * doubles exactly (shortest round-trip text, "NaN"/"Infinity" as strings), timestamps and dates in ISO form.
 * <pre>{"table": "price_history", "source": "sqlite:/x.db", "source_table": "price_history",
 *  "source_key": "rowid 42", "row": {"symbol": "AAPL", "close_price": 1.5, ...}}</pre>
 */
public final class RowJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RowJson() {
    }

    public static String encode(Batch batch, Row row) {
        ObjectNode root = JSON.createObjectNode();
        root.put("table", batch.spec().table());
        root.put("source", batch.source());
        root.put("source_table", batch.sourceTable());
        root.put("source_key", row.sourceKey());
        ObjectNode values = root.putObject("row");
        List<Column> columns = batch.spec().columns();
        for (int i = 0; i < columns.size(); i++) {
            Column col = columns.get(i);
            Object v = row.get(i);
            if (v == null) {
                values.putNull(col.name());
                continue;
            }
            switch (col.type()) {
                case DOUBLE -> {
                    double d = ((Number) v).doubleValue();
                    if (Double.isFinite(d)) {
                        values.put(col.name(), d);
                    } else {
                        values.put(col.name(), Double.toString(d));
                    }
                }
                case BIGINT -> values.put(col.name(), ((Number) v).longValue());
                case BOOLEAN -> values.put(col.name(), (Boolean) v);
                case TIMESTAMPTZ -> values.put(col.name(), v instanceof java.time.ZonedDateTime z
                        ? z.toOffsetDateTime().toString() : v.toString());
                default -> values.put(col.name(), v.toString());
            }
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (Exception e) {
            throw new IllegalStateException("row of " + batch.spec().table() + " not serialisable: " + e.getMessage(), e);
        }
    }

    /** The batch of one row (no checkpoint) that a replay writes; the pipeline is "replay". */
    public static Batch decode(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("not a row dead letter: " + e.getMessage(), e);
        }
        TableSpec spec = TableSpecs.get(root.path("table").asText());
        JsonNode values = root.path("row");
        Map<String, Object> original = new LinkedHashMap<>();
        Row row = new Row(spec.columns().size(), root.path("source_key").asText(null), original);
        for (int i = 0; i < spec.columns().size(); i++) {
            Column col = spec.columns().get(i);
            JsonNode v = values.get(col.name());
            if (v == null || v.isNull()) {
                continue;
            }
            Object value = switch (col.type()) {
                case DOUBLE -> v.isNumber() ? v.doubleValue() : Double.parseDouble(v.asText());
                case BIGINT -> v.longValue();
                case BOOLEAN -> v.booleanValue();
                case DATE -> LocalDate.parse(v.asText());
                case TIMESTAMPTZ -> OffsetDateTime.parse(v.asText());
                default -> v.asText();
            };
            row.set(i, value);
            original.put(col.name(), value);
        }
        return new Batch(spec, "replay", root.path("source").asText(null), root.path("source_table").asText(null),
                new java.util.ArrayList<>(List.of(row)));
    }
}
