package dev.aha.cli;

/**
 * A subcommand contributed by a module that {@code actors} may not depend on (the module arrows in README), found through
 * {@link java.util.ServiceLoader} in {@code META-INF/services/dev.aha.cli.AhaSubcommand}.
 */
public interface AhaSubcommand {
    /** The name under {@code aha}, e.g. {@code bench}. */
    String name();

    /** A picocli-annotated command object. */
    Object command();
}
