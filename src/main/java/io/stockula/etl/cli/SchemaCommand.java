package io.stockula.etl.cli;

import io.stockula.etl.config.Bootstrap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "schema", mixinStandardHelpOptions = true,
        description = "Apply the schema (schema/) to the target database and exit. Safe to repeat: an applied "
                + "schema is left as it is.")
public final class SchemaCommand implements Callable<Integer> {

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        try (Bootstrap boot = Bootstrap.open(common.settings(Map.of("stockula.schema.apply-on-start", "true")))) {
            System.out.println("schema applied to " + boot.database().url() + ": " + boot.mode().describe());
            return ExitCodes.OK;
        }
    }
}
