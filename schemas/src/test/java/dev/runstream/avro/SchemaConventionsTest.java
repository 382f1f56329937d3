package dev.runstream.avro;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The rules every schema of the module keeps (see the README): namespace, docs, and optional fields. */
class SchemaConventionsTest {

    static Stream<Schema> namedTypes() {
        return SchemaCatalog.declaredSchemas().values().stream()
                .flatMap(schema -> SchemaCatalog.namedTypes(schema).stream())
                .distinct();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namedTypes")
    void shouldDeclareEveryTypeInTheProjectNamespaceWithADoc(Schema type) {
        assertThat(type.getNamespace()).as("namespace of %s", type.getName()).isEqualTo(SchemaCatalog.NAMESPACE);
        assertThat(type.getDoc()).as("doc of %s", type.getFullName()).isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namedTypes")
    void shouldDocumentEveryField(Schema type) {
        assertThat(type.getFields())
                .as("fields of %s", type.getFullName())
                .allSatisfy(field -> assertThat(field.doc()).as("doc of %s.%s", type.getName(), field.name())
                        .isNotBlank());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("namedTypes")
    void shouldPutNullFirstAndDefaultToNullInEveryOptionalField(Schema type) {
        List<String> problems = new ArrayList<>();
        for (Schema.Field field : type.getFields()) {
            Schema schema = field.schema();
            if (schema.getType() == Schema.Type.UNION && schema.isNullable()) {
                if (schema.getTypes().get(0).getType() != Schema.Type.NULL) {
                    problems.add(field.name() + ": null is not the first branch of " + schema);
                }
                if (!field.hasDefaultValue() || field.defaultVal() != JsonProperties.NULL_VALUE) {
                    problems.add(field.name() + ": default is not null");
                }
            }
        }
        assertThat(problems).as("optional fields of %s", type.getFullName()).isEmpty();
    }
}
