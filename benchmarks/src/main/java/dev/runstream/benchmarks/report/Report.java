package dev.runstream.benchmarks.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The figures of one benchmark run, with free-form details per benchmark (every round, settings, side figures):
 * printed as a table and written as JSON.
 */
public final class Report {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String[] HEADER = {"benchmark", "metric", "Runstream", "raw anchor", "ratio", "target", ""};

    private final ObjectNode root = JsonNodeFactory.instance.objectNode();
    private final ObjectNode details = JsonNodeFactory.instance.objectNode();
    private final List<Figure> figures = new ArrayList<>();

    public Report(Map<String, ?> environment) {
        root.set("environment", JSON.valueToTree(environment));
    }

    public synchronized void add(Figure figure) {
        figures.add(figure);
    }

    /** The details object of one benchmark, created on first use; what it holds goes to the JSON as is. */
    public synchronized ObjectNode details(String benchmark) {
        ObjectNode node = (ObjectNode) details.get(benchmark);
        if (node == null) {
            node = details.putObject(benchmark);
        }
        return node;
    }

    public synchronized List<Figure> figures() {
        return List.copyOf(figures);
    }

    /** The figures as a fixed-width text table, one row each, ratios against raw Kafka. */
    public synchronized String table() {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Figure figure : figures) {
            rows.add(new String[] {figure.benchmark(), figure.metric(), cell(figure.runstream()), cell(figure.raw()),
                    figure.ratio().isPresent() ? Figure.format(figure.ratio().getAsDouble()) + "×" : "",
                    figure.target().describe(), figure.verdict()});
        }
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            for (int i = 0; i < row.length; i++) {
                boolean numeric = i >= 2 && i <= 4;
                String padded = numeric ? pad(row[i], widths[i], true) : pad(row[i], widths[i], false);
                out.append(i == 0 ? "" : "  ").append(padded);
            }
            out.append(System.lineSeparator());
            if (r == 0) {
                int total = 0;
                for (int width : widths) {
                    total += width + 2;
                }
                out.append("-".repeat(total - 2)).append(System.lineSeparator());
            }
        }
        return out.toString();
    }

    /** Everything as one JSON document: environment, figures (with ratio and verdict), details. */
    public synchronized ObjectNode toJson() {
        ObjectNode out = root.deepCopy();
        ArrayNode rows = out.putArray("figures");
        for (Figure figure : figures) {
            ObjectNode row = rows.addObject();
            row.put("benchmark", figure.benchmark());
            row.put("metric", figure.metric());
            put(row, "runstream", figure.runstream());
            put(row, "raw", figure.raw());
            put(row, "ratio", figure.ratio());
            row.put("target", figure.target().describe());
            row.put("verdict", figure.verdict());
            row.put("note", figure.note());
        }
        out.set("details", details.deepCopy());
        return out;
    }

    public void writeJson(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            JSON.writeValue(file.toFile(), toJson());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    private static void put(ObjectNode row, String field, OptionalDouble value) {
        if (value.isPresent()) {
            row.put(field, value.getAsDouble());
        } else {
            row.putNull(field);
        }
    }

    private static String cell(OptionalDouble value) {
        return value.isPresent() ? Figure.format(value.getAsDouble()) : "—";
    }

    private static String pad(String text, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - text.length()));
        return right ? fill + text : text + fill;
    }
}
