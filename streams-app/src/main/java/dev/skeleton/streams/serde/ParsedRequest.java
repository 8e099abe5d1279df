package dev.skeleton.streams.serde;

import dev.skeleton.avro.ClassificationRequest;

/**
 * What the request deserializer made of a record value. Deserialization never throws into Kafka Streams: a value
 * that is not a request becomes {@link Unparseable}, which the topology sends to the dead-letter topic with its
 * original bytes. Either way the original bytes travel along, for the dead-letter topic.
 */
public sealed interface ParsedRequest permits ParsedRequest.Valid, ParsedRequest.Unparseable {

    /** The record value exactly as it arrived; null for a record without a value. */
    byte[] raw();

    /** A well-formed request, from Avro single-object encoding or JSON. */
    record Valid(ClassificationRequest request, byte[] raw) implements ParsedRequest {}

    /** Not a request; {@code reason} says what is wrong, for the dead-letter header. */
    record Unparseable(String reason, byte[] raw) implements ParsedRequest {}
}
