package dev.runstream.core.ui.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code url} of a {@code file} UI chunk: {@code data:<mimeType>;base64,<data>}. String data is taken as base64
 * already and used verbatim. Byte data reaches JSON as {@code JSON.stringify(Uint8Array)} does it,
 * {@code {"0":110,"1":111,…}}; it is turned back into bytes (by index, each value modulo 256) and encoded. An array
 * of numbers is read the same way; any other value holds no bytes.
 */
final class FileDataUrl {

    private FileDataUrl() {
    }

    static String of(JsonNode mimeType, JsonNode data) {
        return "data:" + JsValues.string(mimeType) + ";base64," + base64(data);
    }

    static String base64(JsonNode data) {
        if (data.isTextual()) {
            return data.textValue();
        }
        return Base64.getEncoder().encodeToString(bytes(data));
    }

    private static byte[] bytes(JsonNode data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (data.isArray()) {
            data.forEach(value -> out.write(value.asInt(0)));
        } else if (data.isObject()) {
            Map<Integer, Integer> byIndex = new TreeMap<>();
            data.properties().forEach(entry -> {
                Integer index = arrayIndex(entry.getKey());
                if (index != null) {
                    byIndex.put(index, entry.getValue().asInt(0));
                }
            });
            byIndex.values().forEach(out::write);
        }
        return out.toByteArray();
    }

    /** The key as an array index ({@code "0"}, {@code "17"}), or {@code null} for any other key. */
    private static Integer arrayIndex(String key) {
        if (key.isEmpty() || key.length() > 9 || (key.length() > 1 && key.charAt(0) == '0')) {
            return null;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        return Integer.parseInt(key);
    }
}
