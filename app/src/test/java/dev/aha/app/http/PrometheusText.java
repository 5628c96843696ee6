package dev.aha.app.http;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of Prometheus' text exposition format 0.0.4, for tests: the Java client 1.10.0 writes the format
 * but has no parser. Every line must be a HELP, a TYPE or a sample of a family whose TYPE came before it (histograms:
 * _bucket with le, _sum, _count); names and label names by Prometheus' grammar; values as Go's ParseFloat reads them.
 * Anything else fails with the line.
 */
final class PrometheusText {

    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)})? (\\S+)( -?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\[\\\\\"n])*)\"");

    /** Family name -> type. */
    final Map<String, String> types = new LinkedHashMap<>();
    /** Sample name with its labels, as written ("name{a=\"b\"}"), -> value. */
    final Map<String, Double> samples = new HashMap<>();

    static PrometheusText parse(String text) {
        PrometheusText p = new PrometheusText();
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            Matcher m;
            if (line.startsWith("# HELP ")) {
                require(HELP.matcher(line).matches(), n, line);
            } else if ((m = TYPE.matcher(line)).matches()) {
                require(p.types.put(m.group(1), m.group(2)) == null, n, "second TYPE for " + m.group(1));
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                require(p.familyOf(m.group(1)) != null, n, "sample without a TYPE before it: " + line);
                if (m.group(3) != null && !m.group(3).isEmpty()) {
                    for (String pair : m.group(3).split(",(?=[a-zA-Z_][a-zA-Z0-9_]*=\")")) {
                        require(LABEL.matcher(pair).matches(), n, "bad label " + pair);
                    }
                }
                p.samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), value(m.group(4), n));
            } else {
                require(false, n, "not a HELP, TYPE or sample line: " + line);
            }
        }
        return p;
    }

    /** The family a sample name belongs to, or null. */
    String familyOf(String sample) {
        if (types.containsKey(sample)) {
            return sample;
        }
        for (String suffix : new String[] {"_bucket", "_sum", "_count", "_created"}) {
            if (sample.endsWith(suffix)) {
                String family = sample.substring(0, sample.length() - suffix.length());
                if (types.containsKey(family)) {
                    return family;
                }
            }
        }
        return null;
    }

    /** Sum of every sample of {@code name}, whatever its labels. */
    double sum(String name) {
        return samples.entrySet().stream().filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private static double value(String s, int line) {
        switch (s) {
            case "NaN": return Double.NaN;
            case "+Inf": return Double.POSITIVE_INFINITY;
            case "-Inf": return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new AssertionError("line " + line + ": value " + s + " is not a number");
                }
        }
    }

    private static void require(boolean ok, int line, String what) {
        if (!ok) {
            throw new AssertionError("line " + line + ": " + what);
        }
    }
}
