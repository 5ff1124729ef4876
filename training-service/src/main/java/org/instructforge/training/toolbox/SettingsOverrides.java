package org.instructforge.training.toolbox;

import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A trainer's settings record with some components replaced by name: the run queue's stored hyperparameters and
 * the command line's {@code --ppo key=value} both come through here. Typed-in values are numbers, {@code true} or
 * {@code false} for a flag, a name (any case) for a choice. The record's own constructor still checks the result, so
 * an impossible combination fails with the trainer's reason.
 */
public final class SettingsOverrides {

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS) // --dpo loss=ipo names DpoTrainer.Loss.IPO
            .build();

    private SettingsOverrides() {}

    /** Stored values on top of the defaults; names the record does not have are ignored (other run metadata). */
    public static <T extends Record> T apply(T defaults, JsonNode values) {
        ObjectNode node = JSON.valueToTree(defaults);
        if (values != null && values.isObject()) {
            for (var field : values.properties()) {
                if (node.has(field.getKey())) {
                    node.set(field.getKey(), field.getValue());
                }
            }
        }
        return bind(node, defaults);
    }

    /** Typed-in values ({@code name -> number}) on top of the defaults; an unknown name is an error. */
    public static <T extends Record> T apply(T defaults, Map<String, String> values) {
        ObjectNode node = JSON.valueToTree(defaults);
        for (Map.Entry<String, String> v : values.entrySet()) {
            if (!node.has(v.getKey())) {
                throw new IllegalArgumentException(
                        "Unknown setting '" + v.getKey() + "'; known: " + String.join(", ", node.propertyNames()));
            }
            String value = v.getValue().trim();
            JsonNode current = node.get(v.getKey());
            if (current.isBoolean()) {
                if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                    throw new IllegalArgumentException(v.getKey() + ": '" + v.getValue() + "' is not true or false");
                }
                node.put(v.getKey(), Boolean.parseBoolean(value));
            } else if (current.isString()) {
                node.put(v.getKey(), value); // an enum's name, in any case; binding says which names exist
            } else {
                try {
                    node.put(v.getKey(), Double.parseDouble(value));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(v.getKey() + ": '" + v.getValue() + "' is not a number");
                }
            }
        }
        return bind(node, defaults);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Record> T bind(ObjectNode node, T defaults) {
        try {
            return (T) JSON.treeToValue(node, defaults.getClass());
        } catch (RuntimeException e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new IllegalArgumentException("Invalid settings: " + cause.getMessage(), e);
        }
    }
}
