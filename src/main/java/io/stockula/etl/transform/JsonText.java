package io.stockula.etl.transform;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON documents written by Python's json.dumps may hold bare NaN, Infinity and -Infinity, which PostgreSQL's
 * jsonb rejects. Such a document is kept twice, losslessly: as jsonb with those numbers as null (so it can be
 * queried), and as the exact original text (so nothing is lost). A document that does not parse at all is
 * invalid: the caller rejects the record.
 */
public final class JsonText {

    private static final ObjectMapper LENIENT = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // keep every digit of a number (jsonb is numeric): no detour through double
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final ObjectMapper STRICT = new ObjectMapper();

    /** jsonb: valid JSON text for jsonb; raw: the original text when it had to be changed, else null. */
    public record Parsed(String jsonb, String raw) {
    }

    private JsonText() {
    }

    /** Returns null when the text is not JSON (even leniently). */
    public static Parsed parse(String text) {
        if (text == null) {
            return null;
        }
        JsonNode tree;
        try (JsonParser p = LENIENT.createParser(text)) {
            tree = LENIENT.readTree(p);
            if (tree == null || p.nextToken() != null) {
                return null; // empty, or trailing garbage
            }
        } catch (Exception e) {
            return null;
        }
        boolean[] changed = {false};
        JsonNode clean = replaceNonFinite(tree, changed);
        try {
            return new Parsed(STRICT.writeValueAsString(clean).replace("\\u0000", ""), changed[0] ? text : null);
        } catch (Exception e) {
            return null;
        }
    }

    private static JsonNode replaceNonFinite(JsonNode node, boolean[] changed) {
        if (node.isDouble() || node.isFloat()) {
            double d = node.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                changed[0] = true;
                return JsonNodeFactory.instance.nullNode();
            }
            return node;
        }
        if (node instanceof ObjectNode obj) {
            for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                e.setValue(replaceNonFinite(e.getValue(), changed));
            }
        } else if (node instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                arr.set(i, replaceNonFinite(arr.get(i), changed));
            }
        }
        return node;
    }
}
