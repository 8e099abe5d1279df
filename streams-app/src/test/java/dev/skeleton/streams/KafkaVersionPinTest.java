package dev.skeleton.streams;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;

/**
 * Fails on a Kafka upgrade, on purpose: {@link DeferredForwarder} and {@link PreCommitHook} use internal Kafka
 * Streams API whose behaviour (the commit order that PreCommitHook's doc explains) was checked on this version.
 */
class KafkaVersionPinTest {

    @Test
    void shouldRunOnTheKafkaVersionTheInternalsWereCheckedAgainst() {
        assertThat(AppInfoParser.getVersion())
                .as("Kafka changed: re-check PreCommitHook (its Javadoc says what to verify: its flushCache must run "
                        + "before offsets are committed) and DeferredForwarder against the new version's "
                        + "StreamTask and InternalProcessorContext, run the integration tests, then update this pin")
                .isEqualTo("4.1.1");
    }
}
