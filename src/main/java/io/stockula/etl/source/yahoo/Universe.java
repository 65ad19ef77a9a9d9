package io.stockula.etl.source.yahoo;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The symbols a scheduled job pulls: every active symbol in {@code stocks} plus {@code stockula.yahoo.symbols}.
 * A configured symbol that was marked inactive (Yahoo answered 404) stays out until someone reactivates it or
 * backfills it explicitly: the point of the mark is to stop asking every day.
 */
public final class Universe {

    private static final Logger LOG = LoggerFactory.getLogger(Universe.class);
    /** Instrument types Yahoo lists option chains for. */
    private static final Set<String> OPTIONABLE = Set.of("EQUITY", "ETF", "INDEX");

    private final StockDirectory directory;
    private final Set<String> configured;

    public Universe(StockDirectory directory, Set<String> configured) {
        this.directory = directory;
        this.configured = configured;
    }

    public List<String> symbols() throws SQLException {
        Set<String> out = new TreeSet<>(directory.activeSymbols());
        if (!configured.isEmpty()) {
            Set<String> inactive = directory.inactiveSymbols();
            for (String s : configured) {
                if (inactive.contains(s)) {
                    LOG.info("{} is configured but marked inactive in stocks: not pulled", s);
                } else {
                    out.add(s);
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** The symbols that can have options: known equities, ETFs and indices, and unknown ones that look like them. */
    public List<String> optionSymbols() throws SQLException {
        Map<String, String> types = directory.instrumentTypes();
        List<String> out = new ArrayList<>();
        for (String s : symbols()) {
            String type = types.get(s);
            if (type != null ? OPTIONABLE.contains(type) : looksOptionable(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** FX (=X), futures (=F) and crypto pairs (BTC-USD) have no option chains on Yahoo. */
    static boolean looksOptionable(String symbol) {
        if (symbol.endsWith("=X") || symbol.endsWith("=F")) {
            return false;
        }
        return !symbol.matches("[A-Z0-9]+-(USD|USDT|USDC|EUR|GBP|BTC|ETH|JPY)");
    }
}
