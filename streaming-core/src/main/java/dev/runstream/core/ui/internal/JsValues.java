package dev.runstream.core.ui.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * JavaScript's view of JSON values, where the converted stream depends on it: truthiness ({@code !!x}), the
 * string form ({@code String(x)}) and {@code x ?? fallback}. An absent value ({@link JsonNode#isMissingNode()} or
 * Java {@code null}) plays the part of {@code undefined}.
 */
public final class JsValues {

    private JsValues() {
    }

    /** Whether the value is {@code undefined}: absent from its object. */
    public static boolean isUndefined(JsonNode value) {
        return value == null || value.isMissingNode();
    }

    /** Whether the value is {@code undefined} or {@code null} ({@code x == null} in JavaScript). */
    public static boolean isNullish(JsonNode value) {
        return isUndefined(value) || value.isNull();
    }

    /** {@code !!value}. */
    public static boolean truthy(JsonNode value) {
        if (isNullish(value)) {
            return false;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual()) {
            return !value.textValue().isEmpty();
        }
        if (value.isNumber()) {
            double d = value.doubleValue();
            return d != 0 && !Double.isNaN(d);
        }
        return true;
    }

    /** {@code String(value)}: strings as they are, numbers as JavaScript prints them, objects as {@code [object Object]}. */
    public static String string(JsonNode value) {
        if (isUndefined(value)) {
            return "undefined";
        }
        return switch (value.getNodeType()) {
            case NULL -> "null";
            case STRING -> value.textValue();
            case BOOLEAN -> Boolean.toString(value.booleanValue());
            case NUMBER -> number(value.doubleValue());
            case ARRAY -> arrayString(value);
            default -> "[object Object]";
        };
    }

    /** {@code Array.prototype.toString}: elements joined by commas, {@code null} elements as empty strings. */
    private static String arrayString(JsonNode array) {
        List<String> parts = new ArrayList<>();
        for (JsonNode element : array) {
            parts.add(element.isNull() ? "" : string(element));
        }
        return String.join(",", parts);
    }

    /** {@code Number.prototype.toString()} of a double (ECMAScript Number::toString, radix 10). */
    public static String number(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        if (value == 0) {
            return "0";
        }
        String sign = value < 0 ? "-" : "";
        // Double.toString gives the shortest digits that round-trip (JDK 19+), as ECMAScript requires.
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(value))).stripTrailingZeros();
        String digits = exact.unscaledValue().toString();
        int k = digits.length();
        int n = k - exact.scale();
        return sign + layout(digits, k, n);
    }

    private static String layout(String digits, int k, int n) {
        if (k <= n && n <= 21) {
            return digits + "0".repeat(n - k);
        }
        if (0 < n && n <= 21) {
            return digits.substring(0, n) + "." + digits.substring(n);
        }
        if (-6 < n && n <= 0) {
            return "0." + "0".repeat(-n) + digits;
        }
        int exponent = n - 1;
        String e = "e" + (exponent >= 0 ? "+" : "-") + Math.abs(exponent);
        return k == 1 ? digits + e : digits.charAt(0) + "." + digits.substring(1) + e;
    }
}
