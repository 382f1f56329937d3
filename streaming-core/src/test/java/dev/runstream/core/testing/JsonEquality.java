package dev.runstream.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;

/** JSON equality as JavaScript sees it: same keys (any order) and values, numbers compared by value. */
public final class JsonEquality {

    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a.equals(b)) {
            return 0;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return 1;
    };

    private JsonEquality() {
    }

    public static boolean equal(JsonNode a, JsonNode b) {
        return a.equals(NUMBERS_BY_VALUE, b);
    }
}
