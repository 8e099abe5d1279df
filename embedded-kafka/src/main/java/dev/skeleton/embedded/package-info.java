/**
 * A single-node Kafka broker (KRaft, combined controller and broker) in this JVM, plain or with SASL/PLAIN and the
 * ACL authorizer: what the demo, the stream benchmark and the integration tests run against, so none of them needs
 * Docker or a running cluster. Never for production data.
 */
package dev.skeleton.embedded;
