package dev.aha.app.cli;

/** The --bootstrap option: only Kubernetes API discovery is supported. */
final class Bootstrap {

    private Bootstrap() {}

    static boolean kubernetes(String option) {
        if (option == null) {
            return false;
        }
        if (!option.equals("kubernetes")) {
            throw new IllegalArgumentException("--bootstrap supports kubernetes only, was '" + option + "'");
        }
        return true;
    }
}
