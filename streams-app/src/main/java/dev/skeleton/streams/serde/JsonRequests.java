package dev.skeleton.streams.serde;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skeleton.avro.ClassificationRequest;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Requests written as JSON by hand (e.g. with {@code kafka-console-producer}), with the Avro request's field names:
 * <code>{"id": "42", "task": "sst2", "text": "...", "textPair": "...", "metadata": {"k": "v"}}</code>. Only
 * {@code id} and {@code text} are required. Unknown fields are errors, so a misspelt {@code text_pair} is reported
 * instead of silently classifying the wrong input.
 */
public final class JsonRequests {

    static final Set<String> FIELDS = Set.of("id", "task", "text", "textPair", "metadata");

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private JsonRequests() {}

    /** True when the first non-blank byte (after an optional UTF-8 byte order mark) is <code>{</code>. */
    static boolean looksLikeJson(byte[] value) {
        int i = value.length >= 3 && value[0] == (byte) 0xEF && value[1] == (byte) 0xBB && value[2] == (byte) 0xBF
                ? 3 : 0;
        while (i < value.length && Character.isWhitespace(value[i])) {
            i++;
        }
        return i < value.length && value[i] == '{';
    }

    public static ClassificationRequest read(byte[] value) {
        JsonNode root;
        try {
            root = MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            throw new RequestFormatException("invalid JSON request: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw new RequestFormatException("invalid JSON request: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new RequestFormatException("a JSON request must be an object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new RequestFormatException("unknown field '" + name + "' in JSON request; the fields are id, "
                        + "task, text, textPair, metadata");
            }
        }
        return ClassificationRequest.newBuilder()
                .setId(idOf(root.get("id")))
                .setTask(optionalString(root, "task"))
                .setText(requiredString(root, "text"))
                .setTextPair(optionalString(root, "textPair"))
                .setMetadata(metadataOf(root.get("metadata")))
                .build();
    }

    /** A number is accepted too: console users write {@code "id": 42}. */
    private static String idOf(JsonNode id) {
        if (id == null || id.isNull()) {
            throw new RequestFormatException("JSON request has no 'id'");
        }
        if (id.isTextual() || id.isIntegralNumber()) {
            return id.asText();
        }
        throw new RequestFormatException("'id' must be a string or an integer, not " + id.getNodeType());
    }

    private static String requiredString(JsonNode root, String field) {
        String value = optionalString(root, field);
        if (value == null) {
            throw new RequestFormatException("JSON request has no '" + field + "'");
        }
        return value;
    }

    private static String optionalString(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new RequestFormatException("'" + field + "' must be a string, not " + node.getNodeType());
        }
        return node.asText();
    }

    private static Map<String, String> metadataOf(JsonNode node) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return metadata;
        }
        if (!node.isObject()) {
            throw new RequestFormatException("'metadata' must be an object of strings, not " + node.getNodeType());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                throw new RequestFormatException("metadata '" + e.getKey() + "' must be a string, not "
                        + e.getValue().getNodeType());
            }
            // numbers and booleans are kept as their text: the Avro map holds strings
            metadata.put(e.getKey(), e.getValue().asText());
        }
        return metadata;
    }
}
