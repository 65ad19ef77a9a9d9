package io.stockula.etl.cli;

import io.stockula.etl.config.Bootstrap;
import io.stockula.etl.source.yahoo.StockDirectory;
import io.stockula.etl.source.yahoo.YahooSettings;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "symbols", mixinStandardHelpOptions = true,
        description = "Symbols the Yahoo jobs skip: list the inactive ones and their 404 streaks, reactivate them.",
        subcommands = {SymbolsCommand.Inactive.class, SymbolsCommand.Reactivate.class})
public final class SymbolsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("error: name a subcommand (inactive, reactivate)");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    @Command(name = "inactive", mixinStandardHelpOptions = true,
            description = "List inactive symbols with their reason, and symbols on a 404 streak.")
    static final class Inactive implements Callable<Integer> {

        @Mixin
        CommonOptions common;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (Bootstrap boot = Bootstrap.open(common.settings(Map.of()));
                 Connection c = boot.database().connection(); Statement st = c.createStatement()) {
                PrintWriter out = spec.commandLine().getOut();
                try (ResultSet rs = st.executeQuery("SELECT s.symbol, s.inactive_reason, m.misses, m.first_miss"
                        + " FROM stocks s LEFT JOIN etl_symbol_misses m USING (symbol) WHERE NOT s.is_active ORDER BY 1")) {
                    while (rs.next()) {
                        out.printf("%-12s inactive  %s%n", rs.getString(1), rs.getString(2));
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT m.symbol, m.misses, m.first_miss, m.last_reason FROM"
                        + " etl_symbol_misses m JOIN stocks s USING (symbol) WHERE s.is_active ORDER BY 1")) {
                    while (rs.next()) {
                        out.printf("%-12s 404 x%d since %s  %s%n", rs.getString(1), rs.getInt(2), rs.getObject(3), rs.getString(4));
                    }
                }
                out.flush();
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "reactivate", mixinStandardHelpOptions = true,
            description = "Make symbols active again (whatever marked them inactive) and forget their 404 streak: "
                    + "the next scheduled pull asks Yahoo for them. Exit 1 when a symbol is not in stocks.")
    static final class Reactivate implements Callable<Integer> {

        @Mixin
        CommonOptions common;

        @Parameters(arity = "1..*", paramLabel = "SYMBOL")
        List<String> symbols = new ArrayList<>();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            List<String> wanted = new ArrayList<>(YahooSettings.symbols(String.join(",", symbols)));
            try (Bootstrap boot = Bootstrap.open(common.settings(Map.of()))) {
                Map<String, String> found = new StockDirectory(boot.database().dataSource()).reactivate(wanted);
                PrintWriter out = spec.commandLine().getOut();
                int unknown = 0;
                for (String s : wanted) {
                    if (!found.containsKey(s)) {
                        spec.commandLine().getErr().println("error: " + s + " is not in stocks: nothing to reactivate");
                        unknown++;
                    } else if (found.get(s) == null) {
                        out.println(s + " was active (its 404 streak, if any, is forgotten)");
                    } else {
                        out.println(s + " reactivated (was inactive: " + found.get(s) + ")");
                    }
                }
                out.flush();
                return unknown == 0 ? ExitCodes.OK : ExitCodes.INCOMPLETE;
            }
        }
    }
}
