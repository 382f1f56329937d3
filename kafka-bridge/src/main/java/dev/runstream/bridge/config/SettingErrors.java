package dev.runstream.bridge.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Checks every setting a {@link ConfigDef} declares before it is parsed, so that a user with several bad settings
 * learns of all of them at once ({@link ConfigDef#parse} stops at the first).
 */
public final class SettingErrors {

    private SettingErrors() {
    }

    /**
     * Returns {@code originals} when each declared setting in it parses and passes its validator.
     *
     * @throws ConfigException naming every bad setting, its value and why, in declaration order
     */
    public static <M extends Map<?, ?>> M requireValid(ConfigDef definition, M originals) {
        List<String> errors = new ArrayList<>();
        for (ConfigDef.ConfigKey key : definition.configKeys().values()) {
            if (!originals.containsKey(key.name)) {
                continue;
            }
            try {
                new ConfigDef().define(key).parse(Map.of(key.name, originals.get(key.name)));
            } catch (ConfigException e) {
                errors.add(e.getMessage());
            }
        }
        if (errors.size() == 1) {
            throw new ConfigException(errors.getFirst());
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors.size() + " bad settings: " + String.join("; ", errors));
        }
        return originals;
    }
}
