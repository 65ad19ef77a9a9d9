package io.stockula.etl.testsupport;

import io.stockula.etl.load.Row;
import io.stockula.etl.load.TableSpec;
import io.stockula.etl.load.TableSpecs;
import java.time.OffsetDateTime;

/** Daily price_history rows for tests, in the table spec's column order. */
public final class PriceBars {

    private PriceBars() {
    }

    public static Row bar(String symbol, String timestamp, Double open, Double high, Double low, Double close, Long volume,
                          String sourceKey, Object original) {
        TableSpec spec = TableSpecs.PRICE_HISTORY;
        Row r = new Row(spec.columns().size(), sourceKey, original);
        r.set(spec.index("symbol"), symbol);
        r.set(spec.index("timestamp"), timestamp == null ? null : OffsetDateTime.parse(timestamp));
        r.set(spec.index("interval_type"), "1d");
        r.set(spec.index("open_price"), open);
        r.set(spec.index("high_price"), high);
        r.set(spec.index("low_price"), low);
        r.set(spec.index("close_price"), close);
        r.set(spec.index("volume"), volume);
        return r;
    }
}
