package io.stockula.etl;

import io.stockula.etl.cli.ExitCodes;
import io.stockula.etl.cli.RunCommand;
import io.stockula.etl.cli.SchemaCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The entry point: {@code java -jar stockula-etl.jar <command> [options]}. */
@Command(name = "stockula-etl", mixinStandardHelpOptions = true, versionProvider = StockulaEtl.Version.class,
        description = "Moves Stockula off SQLite onto TimescaleDB and keeps it fed from Yahoo Finance.",
        subcommands = {RunCommand.class, SchemaCommand.class, io.stockula.etl.cli.MigrateCommand.class,
                io.stockula.etl.cli.VerifyCommand.class,
                io.stockula.etl.cli.QualityCommand.class,
                io.stockula.etl.cli.DlqCommand.class,
                io.stockula.etl.cli.BackfillCommand.class,
                io.stockula.etl.cli.SymbolsCommand.class,
                CommandLine.HelpCommand.class})
public final class StockulaEtl implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new StockulaEtl());
        cli.setExecutionExceptionHandler(ExitCodes::handle);
        return cli.execute(args);
    }

    /** No command given: the usage on stderr, exit 2. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("error: no command given");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = StockulaEtl.class.getPackage().getImplementationVersion();
            return new String[] {"stockula-etl " + (v == null ? "dev" : v) + " (Apache Camel 4.18)"};
        }
    }
}
