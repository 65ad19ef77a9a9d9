package io.stockula.etl.validate;

/**
 * Machine-readable reason codes stored in {@code rejected_records.reason_codes}. A code that concerns one field
 * is written {@code code:field}, e.g. {@code not_numeric:open_price}.
 */
public final class Reason {
    public static final String SYMBOL_MISSING = "symbol_missing";
    public static final String SYMBOL_INVALID = "symbol_invalid";
    public static final String REQUIRED_MISSING = "required_missing";
    public static final String NOT_NUMERIC = "not_numeric";
    public static final String NOT_INTEGER = "not_integer";
    public static final String NOT_BOOLEAN = "not_boolean";
    public static final String NOT_FINITE = "not_finite";
    public static final String NEGATIVE = "negative";
    public static final String NOT_POSITIVE = "not_positive";
    public static final String DATE_INVALID = "date_invalid";
    public static final String DATE_IN_FUTURE = "date_in_future";
    public static final String JSON_INVALID = "json_invalid";
    public static final String INTERVAL_INVALID = "interval_invalid";
    public static final String PRICES_MISSING = "prices_missing";
    public static final String HIGH_BELOW_LOW = "high_below_low";
    public static final String HIGH_BELOW_OPEN_CLOSE = "high_below_open_close";
    public static final String LOW_ABOVE_OPEN_CLOSE = "low_above_open_close";

    private Reason() {
    }

    public static String of(String code, String field) {
        return code + ":" + field;
    }
}
