package dev.skeleton.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON Lines output: one compact object per line, keys in insertion order. */
public final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    /** An empty object to fill; fields keep the order they are put in. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** {@code node} (an object node, a map or a record of plain values) as one line, no trailing newline. */
    public static String line(Object node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            // a tree of plain values always serializes; anything else is a bug here
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}
