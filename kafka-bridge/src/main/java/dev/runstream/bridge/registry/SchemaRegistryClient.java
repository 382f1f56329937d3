package dev.runstream.bridge.registry;

import org.apache.avro.Schema;

/**
 * The part of a Confluent-compatible schema registry that serializers and deserializers need. Ids are the
 * registry's global schema ids, the ones that the {@link dev.runstream.bridge.serde.ConfluentWireFormat}
 * frame carries. Implementations cache what cannot change (an id's schema, a registered schema's id), so
 * the per-record path does not go to the registry again; they are thread-safe.
 *
 * <p>Errors are unchecked {@link SchemaRegistryException}s: {@link SchemaNotFoundException},
 * {@link IncompatibleSchemaException}, {@link InvalidSchemaException}, {@link SchemaRegistryAuthException},
 * {@link SchemaRegistryUnavailableException}.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /**
     * Registers {@code schema} under {@code subject} (if it is not registered there already) and returns its
     * id. Registering the same schema again returns the same id.
     *
     * @throws IncompatibleSchemaException if the subject's compatibility rule rejects it
     */
    int register(String subject, Schema schema);

    /**
     * The schema with this id.
     *
     * @throws SchemaNotFoundException if no schema has this id
     */
    Schema schemaById(int id);

    /**
     * The id of {@code schema} as registered under {@code subject}, without registering it.
     *
     * @throws SchemaNotFoundException if the subject does not exist or does not hold this schema
     */
    int idOf(String subject, Schema schema);

    /**
     * Whether {@code schema} could be registered under {@code subject} now, by the subject's compatibility
     * rule against its latest version. A subject without versions accepts any schema.
     */
    boolean isCompatible(String subject, Schema schema);

    /** Releases connections and threads. */
    @Override
    void close();
}
