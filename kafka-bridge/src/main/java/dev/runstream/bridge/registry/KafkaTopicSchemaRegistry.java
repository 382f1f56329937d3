package dev.runstream.bridge.registry;

import dev.runstream.bridge.registry.internal.SchemaLog;
import dev.runstream.bridge.registry.internal.SchemaLog.ConfigChange;
import dev.runstream.bridge.registry.internal.SchemaLog.Registration;
import dev.runstream.bridge.registry.internal.SchemaTopic;
import org.apache.avro.Schema;
import org.apache.kafka.clients.CommonClientConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A schema registry with no server of its own: it keeps its schemas in a compacted single-partition Kafka
 * topic and rebuilds its state from it on start, so ids stay valid across restarts and every record stays
 * decodable. Ids follow Confluent's rules: global, assigned from 1 upwards, the same schema under the same
 * subject keeps its id, and the same schema under another subject reuses it.
 *
 * <p>Several instances (processes) may share the topic: a registration is appended, then the topic is read
 * back past it, and the first valid registration in log order wins (see {@code SchemaLog}); a loser adopts
 * the winner's id, or tries again if the winner registered a different schema. New schemas must pass the
 * subject's compatibility level against its registered versions: the subject's own level if one was
 * {@link #setCompatibility set}, else the global one set, else the {@link Builder#compatibility(CompatibilityLevel)
 * default} (BACKWARD unless given). Settings are records of the same topic; the last one wins.
 */
public final class KafkaTopicSchemaRegistry implements SchemaRegistryStore {

    public static final String DEFAULT_TOPIC = "runstream._schemas";
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopicSchemaRegistry.class);
    private static final int MAX_REGISTER_ATTEMPTS = 5;

    private record SubjectSchema(String subject, String schema) {
    }

    private final String topicName;
    private final CompatibilityLevel defaultCompatibility;
    private final SchemaTopic topic;
    private final SchemaLog log = new SchemaLog();
    private final Object lock = new Object();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();

    private KafkaTopicSchemaRegistry(Builder builder) {
        this.topicName = builder.topic;
        this.defaultCompatibility = builder.compatibility;
        this.topic = new SchemaTopic(builder.topic, builder.clientConfig, builder.timeout);
        try {
            topic.open(builder.replicationFactor);
            synchronized (lock) {
                catchUp();
            }
        } catch (RuntimeException e) {
            topic.close();
            throw e;
        }
        LOG.info("Schema registry on topic {} ready with {} schema(s), global compatibility {}",
            topicName, log.schemaCount(), globalCompatibility());
    }

    /** A builder for a registry on the Kafka cluster at {@code bootstrapServers}. */
    public static Builder builder(String bootstrapServers) {
        return new Builder(bootstrapServers);
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = key(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        synchronized (lock) {
            catchUp();
            for (int attempt = 1; attempt <= MAX_REGISTER_ATTEMPTS; attempt++) {
                Optional<Integer> existing = log.idOf(subject, key.schema());
                if (existing.isPresent()) {
                    return remember(key, existing.get());
                }
                CompatibilityLevel level = levelOf(subject);
                List<String> violations = level.violations(schema, registeredSchemas(subject));
                if (!violations.isEmpty()) {
                    throw new IncompatibleSchemaException("Schema " + schema.getFullName() + " is not " + level
                        + " compatible with subject " + subject + ": " + String.join("; ", violations), 409);
                }
                Registration candidate = log.next(subject, key.schema());
                SchemaTopic.Entry appended = topic.append(candidate);
                if (readPast(appended.offset())) {
                    LOG.info("Registered schema {} under subject {} as version {}, id {}",
                        schema.getFullName(), subject, candidate.version(), candidate.id());
                    return remember(key, candidate.id());
                }
                topic.tombstone(appended.key());
                LOG.info("Registration of subject {} version {} lost a race with another instance (attempt {} of {})",
                    subject, candidate.version(), attempt, MAX_REGISTER_ATTEMPTS);
            }
        }
        throw new SchemaRegistryUnavailableException("Could not register a schema under subject " + subject + " after "
            + MAX_REGISTER_ATTEMPTS + " attempts: other instances kept registering concurrently", 0, null);
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        synchronized (lock) {
            Optional<String> text = log.schemaById(id);
            if (text.isEmpty()) {
                catchUp();
                text = log.schemaById(id);
            }
            String json = text.orElseThrow(() -> new SchemaNotFoundException(
                "Schema id " + id + " not found in schemas topic " + topicName, 40403));
            return schemasById.computeIfAbsent(id, k -> ConfluentRestSchemaRegistryClient.parse(json,
                "schema id " + k + " in schemas topic " + topicName));
        }
    }

    @Override
    public int idOf(String subject, Schema schema) {
        SubjectSchema key = key(subject, schema);
        Integer cached = idsBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        synchronized (lock) {
            catchUp();
            Optional<Integer> id = log.idOf(subject, key.schema());
            if (id.isPresent()) {
                return remember(key, id.get());
            }
            boolean subjectExists = !log.versions(subject).isEmpty();
            throw new SchemaNotFoundException(subjectExists
                ? "Schema " + schema.getFullName() + " is not registered under subject " + subject
                : "Subject " + subject + " not found in schemas topic " + topicName, subjectExists ? 40403 : 40401);
        }
    }

    @Override
    public boolean isCompatible(String subject, Schema schema) {
        key(subject, schema);
        synchronized (lock) {
            catchUp();
            return levelOf(subject).violations(schema, registeredSchemas(subject)).isEmpty();
        }
    }

    @Override
    public List<String> subjects() {
        synchronized (lock) {
            catchUp();
            return log.subjects();
        }
    }

    @Override
    public List<RegisteredSchema> versions(String subject) {
        synchronized (lock) {
            catchUp();
            return log.versions(subject).stream().map(this::registered).toList();
        }
    }

    @Override
    public List<RegisteredSchema> versionsOf(int id) {
        synchronized (lock) {
            catchUp();
            return log.registrationsOf(id).stream().map(this::registered).toList();
        }
    }

    @Override
    public Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        SubjectSchema key = key(subject, schema);
        synchronized (lock) {
            catchUp();
            return log.registration(subject, key.schema()).map(this::registered);
        }
    }

    @Override
    public List<String> violations(String subject, Schema candidate, List<Schema> previous) {
        key(subject, candidate);
        synchronized (lock) {
            catchUp();
            return levelOf(subject).violations(candidate, previous);
        }
    }

    @Override
    public Optional<CompatibilityLevel> compatibility(Optional<String> subject) {
        synchronized (lock) {
            catchUp();
            return log.compatibility(subject);
        }
    }

    @Override
    public CompatibilityLevel globalCompatibility() {
        synchronized (lock) {
            catchUp();
            return log.compatibility(Optional.empty()).orElse(defaultCompatibility);
        }
    }

    @Override
    public void setCompatibility(Optional<String> subject, Optional<CompatibilityLevel> level) {
        subject.ifPresent(KafkaTopicSchemaRegistry::requireSubject);
        synchronized (lock) {
            catchUp();
            readPast(topic.append(new ConfigChange(subject, level)).offset());
        }
        LOG.info("Compatibility of {} set to {}", subject.map(s -> "subject " + s).orElse("the registry"),
            level.map(Enum::name).orElse("its default"));
    }

    /** The level {@code subject} is checked by. Callers hold the lock. */
    private CompatibilityLevel levelOf(String subject) {
        return log.compatibility(Optional.of(subject))
            .or(() -> log.compatibility(Optional.empty()))
            .orElse(defaultCompatibility);
    }

    private RegisteredSchema registered(Registration registration) {
        return new RegisteredSchema(registration.subject(), registration.version(), registration.id(),
            schemaById(registration.id()));
    }

    private List<Schema> registeredSchemas(String subject) {
        return log.versions(subject).stream().map(v -> schemaById(v.id())).toList();
    }

    private int remember(SubjectSchema key, int id) {
        idsBySubjectSchema.put(key, id);
        return id;
    }

    /** Applies everything appended so far (by any instance). */
    private void catchUp() {
        topic.readUntil(topic.endOffset(), this::apply);
    }

    /** Reads until past {@code offset}; returns whether the record there was accepted. */
    private boolean readPast(long offset) {
        boolean[] accepted = new boolean[1];
        topic.readUntil(offset + 1, entry -> {
            boolean applied = apply(entry);
            if (entry.offset() == offset) {
                accepted[0] = applied;
            }
        });
        return accepted[0];
    }

    private boolean apply(SchemaTopic.Entry entry) {
        return entry.record().map(log::apply).orElse(false);
    }

    private static SubjectSchema key(String subject, Schema schema) {
        return new SubjectSchema(requireSubject(subject), Objects.requireNonNull(schema, "schema").toString());
    }

    private static String requireSubject(String subject) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("subject must not be blank: '" + subject + "'");
        }
        return subject;
    }

    @Override
    public void close() {
        topic.close();
    }

    @Override
    public String toString() {
        return "KafkaTopicSchemaRegistry{topic=" + topicName + ", defaultCompatibility=" + defaultCompatibility + '}';
    }

    /** Builds a {@link KafkaTopicSchemaRegistry}; validates each value as it is set. */
    public static final class Builder {

        private final Map<String, Object> clientConfig = new HashMap<>();
        private String topic = DEFAULT_TOPIC;
        private CompatibilityLevel compatibility = CompatibilityLevel.BACKWARD;
        private Duration timeout = Duration.ofSeconds(30);
        private Optional<Short> replicationFactor = Optional.empty();

        private Builder(String bootstrapServers) {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrapServers must not be blank");
            }
            clientConfig.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        }

        /** The schemas topic; created (1 partition, compacted) if missing. */
        public Builder topic(String topic) {
            if (topic == null || !topic.matches("[A-Za-z0-9._-]{1,249}")) {
                throw new IllegalArgumentException("Not a valid Kafka topic name: '" + topic + "'");
            }
            this.topic = topic;
            return this;
        }

        /** The global level until one is {@link KafkaTopicSchemaRegistry#setCompatibility set}. */
        public Builder compatibility(CompatibilityLevel compatibility) {
            this.compatibility = Objects.requireNonNull(compatibility, "compatibility");
            return this;
        }

        /** Time limit of each Kafka operation (create topic, append, read to the end). */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Replication factor of the topic if it gets created; the broker's default unless set. */
        public Builder replicationFactor(short replicationFactor) {
            if (replicationFactor < 1) {
                throw new IllegalArgumentException("replicationFactor must be at least 1: " + replicationFactor);
            }
            this.replicationFactor = Optional.of(replicationFactor);
            return this;
        }

        /** A Kafka client setting for the registry's producer, consumer and admin (e.g. security settings). */
        public Builder clientProperty(String name, Object value) {
            if (name == null || name.isBlank() || value == null) {
                throw new IllegalArgumentException("client property needs a name and a value: " + name);
            }
            clientConfig.put(name, value);
            return this;
        }

        /** Creates the topic if needed, reads it to the end, and returns the ready registry. */
        public KafkaTopicSchemaRegistry build() {
            return new KafkaTopicSchemaRegistry(this);
        }
    }
}
