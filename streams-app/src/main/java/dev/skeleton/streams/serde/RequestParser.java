package dev.skeleton.streams.serde;

import dev.skeleton.avro.ClassificationRequest;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Turns a request record's value into a {@link ParsedRequest}, never throwing. The format is told by the first
 * bytes: Avro single-object encoding starts with the marker {@code 0xC3 0x01} (then the writer schema's
 * fingerprint), a JSON object with <code>{</code>.
 */
public final class RequestParser {

    private static final SingleObjectReader<ClassificationRequest> AVRO =
            new SingleObjectReader<>(ClassificationRequest.getClassSchema());

    private RequestParser() {}

    public static ParsedRequest parse(byte[] value) {
        if (value == null) {
            return new ParsedRequest.Unparseable("the record has no value (null)", null);
        }
        try {
            if (SingleObjectReader.hasMarker(value)) {
                return new ParsedRequest.Valid(decodeAvro(value), value);
            }
            if (JsonRequests.looksLikeJson(value)) {
                return new ParsedRequest.Valid(JsonRequests.read(value), value);
            }
            return new ParsedRequest.Unparseable("the value is neither Avro single-object encoded (starts with "
                    + "0xC3 0x01) nor a JSON object (starts with '{'); it starts with " + hexPreview(value), value);
        } catch (RequestFormatException e) {
            return new ParsedRequest.Unparseable(e.getMessage(), value);
        } catch (RuntimeException | StackOverflowError e) {
            // Anything a decoder can throw on hostile bytes (deep JSON nesting included) is a bad record, not a
            // reason to stop the stream thread.
            return new ParsedRequest.Unparseable("cannot parse the value: " + e, value);
        }
    }

    private static ClassificationRequest decodeAvro(byte[] value) {
        try {
            return AVRO.read(value);
        } catch (SingleObjectReader.UnknownSchemaException e) {
            throw new RequestFormatException("Avro single-object value with an " + e.getMessage()
                    + " (is it another record type?)");
        } catch (IOException | RuntimeException e) {
            throw new RequestFormatException("corrupt Avro ClassificationRequest (" + value.length + " bytes): "
                    + e.getMessage());
        }
    }

    /** The first bytes in hex, for a reason that helps find the producer that wrote them. */
    static String hexPreview(byte[] value) {
        if (value.length == 0) {
            return "nothing (empty value)";
        }
        StringBuilder sb = new StringBuilder();
        ByteBuffer b = ByteBuffer.wrap(value);
        for (int i = 0; i < Math.min(8, value.length); i++) {
            sb.append(String.format("%02x ", b.get(i)));
        }
        return sb.toString().trim() + (value.length > 8 ? " ..." : "") + " (" + value.length + " bytes)";
    }
}
