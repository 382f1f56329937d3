package dev.runstream.avro;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.specific.SpecificData;

/**
 * The module's schemas as the tests see them: the {@code .avsc} sources, the generated classes' {@code SCHEMA$}, the
 * committed history of every top-level schema, and Avro's compatibility check between them. Paths are relative to the
 * module directory, where surefire runs.
 */
final class SchemaCatalog {

    static final String NAMESPACE = "dev.runstream.avro";
    static final Path AVRO_SOURCES = Path.of("src", "main", "avro", "dev", "runstream", "avro");
    static final Path HISTORY = Path.of("src", "test", "resources", "schema-history");

    private static final Pattern VERSION_FILE = Pattern.compile("v([1-9][0-9]*)\\.avsc");

    private SchemaCatalog() {
    }

    /** The schema of the generated class of every {@code .avsc} file, by file name (= record name). */
    static SortedMap<String, Schema> declaredSchemas() {
        SortedMap<String, Schema> schemas = new TreeMap<>();
        try (Stream<Path> files = Files.list(AVRO_SOURCES)) {
            files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".avsc"))
                    .map(name -> name.substring(0, name.length() - ".avsc".length()))
                    .forEach(name -> schemas.put(name, generatedSchema(name)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + AVRO_SOURCES.toAbsolutePath(), e);
        }
        return schemas;
    }

    /** The {@code SCHEMA$} of the class generated for the record {@code dev.runstream.avro.<name>}. */
    static Schema generatedSchema(String name) {
        try {
            return SpecificData.get().getSchema(Class.forName(NAMESPACE + "." + name));
        } catch (ClassNotFoundException e) {
            throw new AssertionError("no generated class for " + name + ".avsc: the file name must be the record name", e);
        }
    }

    /** The declared schemas that no other declared schema contains: those that are a topic's value. */
    static SortedMap<String, Schema> topLevelSchemas() {
        SortedMap<String, Schema> declared = declaredSchemas();
        SortedMap<String, Schema> topLevel = new TreeMap<>(declared);
        for (Schema schema : declared.values()) {
            for (Schema nested : namedTypes(schema)) {
                if (nested != schema) {
                    topLevel.remove(nested.getName());
                }
            }
        }
        return topLevel;
    }

    /** Every named type (record, enum, fixed) reachable from {@code root}, {@code root} first. */
    static Collection<Schema> namedTypes(Schema root) {
        Map<String, Schema> found = new LinkedHashMap<>();
        collectNamedTypes(root, found);
        return found.values();
    }

    private static void collectNamedTypes(Schema schema, Map<String, Schema> found) {
        switch (schema.getType()) {
            case RECORD -> {
                if (found.putIfAbsent(schema.getFullName(), schema) == null) {
                    schema.getFields().forEach(field -> collectNamedTypes(field.schema(), found));
                }
            }
            case ENUM, FIXED -> found.putIfAbsent(schema.getFullName(), schema);
            case UNION -> schema.getTypes().forEach(branch -> collectNamedTypes(branch, found));
            case ARRAY -> collectNamedTypes(schema.getElementType(), found);
            case MAP -> collectNamedTypes(schema.getValueType(), found);
            default -> {
                // primitive: nothing named
            }
        }
    }

    /** The committed versions of a top-level schema, by version number; empty when it has no history. */
    static SortedMap<Integer, Path> historyFiles(String name) {
        Path dir = HISTORY.resolve(name);
        SortedMap<Integer, Path> versions = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return versions;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(file -> {
                Matcher matcher = VERSION_FILE.matcher(file.getFileName().toString());
                if (!matcher.matches()) {
                    throw new AssertionError("unexpected file in schema history (want vN.avsc): " + file);
                }
                versions.put(Integer.parseInt(matcher.group(1)), file);
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir.toAbsolutePath(), e);
        }
        return versions;
    }

    /** A committed version, parsed on its own: a history file must be self-contained. */
    static Schema parseHistoryFile(Path file) {
        try {
            return new Schema.Parser().parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
        }
    }

    /**
     * Why {@code current} and {@code released} are not fully compatible: one line per incompatibility, for each
     * direction in which data written with one cannot be read with the other. Empty when they are.
     */
    static List<String> fullIncompatibilities(Schema current, Schema released, String releasedLabel) {
        List<String> problems = new ArrayList<>();
        problems.addAll(incompatibilities(current, released,
                "current schema cannot read data written with " + releasedLabel + " (backward)"));
        problems.addAll(incompatibilities(released, current,
                releasedLabel + " cannot read data written with the current schema (forward)"));
        return problems;
    }

    private static List<String> incompatibilities(Schema reader, Schema writer, String direction) {
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        List<String> problems = new ArrayList<>();
        for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
            problems.add(direction + ": " + incompatibility.getType() + " at " + incompatibility.getLocation() + ": "
                    + incompatibility.getMessage());
        }
        if (problems.isEmpty() && result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            problems.add(direction + ": " + result.getType() + ": " + result.getDescription());
        }
        return problems;
    }
}
