package dev.runstream.bridge.cli;

import dev.runstream.core.RunstreamException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code runstream} command line: one subcommand per job. */
@Command(name = "runstream", mixinStandardHelpOptions = true, versionProvider = RunstreamCli.Version.class,
        description = "Durable, subscribable and replayable Mastra runs on Apache Kafka.",
        subcommands = {ServeCommand.class, DemoCommand.class, PublishCommand.class, TailCommand.class, ReplayCommand.class,
            SummaryCommand.class, RunsCommand.class, CancelCommand.class, SummarizeCommand.class, UiStreamCommand.class,
            CommandLine.HelpCommand.class})
public final class RunstreamCli {

    public static void main(String[] args) {
        // Avro 1.12 instantiates generated classes only from trusted packages; trust ours unless told otherwise.
        System.getProperties().putIfAbsent("org.apache.avro.SERIALIZABLE_PACKAGES", "dev.runstream");
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit status (for tests and for {@link #main}). */
    public static int run(String... args) {
        return commandLine()
                .setOut(utf8(System.out))
                .setErr(utf8(System.err))
                .execute(args);
    }

    /** The command line with picocli's defaults; callers set its output and error writers. */
    static CommandLine commandLine() {
        return new CommandLine(new RunstreamCli())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(RunstreamCli::reportFailure);
    }

    /**
     * A Runstream error or a bad setting is the user's to fix: its message, no stack trace; anything else is a bug:
     * the trace.
     */
    private static int reportFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
        if (e instanceof RunstreamException || e instanceof java.io.IOException
                || e instanceof org.apache.kafka.common.config.ConfigException) {
            commandLine.getErr().println(commandLine.getCommandName() + ": " + e.getMessage());
        } else {
            e.printStackTrace(commandLine.getErr());
        }
        commandLine.getErr().flush();
        return 2;
    }

    /** Chunk text is Unicode: never let the platform's stdout encoding turn it into '?'. */
    private static PrintWriter utf8(OutputStream stream) {
        return new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = RunstreamCli.class.getPackage().getImplementationVersion();
            return new String[] {"runstream " + (version == null ? "(development build)" : version)};
        }
    }
}
