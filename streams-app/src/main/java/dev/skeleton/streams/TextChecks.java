package dev.skeleton.streams;

import dev.skeleton.avro.ClassificationRequest;
import dev.skeleton.streams.classify.DeadLetterKind;
import dev.skeleton.streams.classify.TaskClassifier.Refused;

/**
 * Checks of a request's text that come before inference, the same for the stream and for {@code POST /classify}:
 * empty and oversized texts are refused before they cost inference, and are never truncated silently.
 */
final class TextChecks {

    private TextChecks() {}

    /** Why the request's text (or text pair) cannot be classified, or null if it can. */
    static Refused problem(ClassificationRequest request, int maxTextChars) {
        String[][] parts = request.getTextPair() == null
                ? new String[][] {{"text", request.getText()}}
                : new String[][] {{"text", request.getText()}, {"textPair", request.getTextPair()}};
        for (String[] part : parts) {
            if (part[1].isBlank()) {
                return new Refused(DeadLetterKind.EMPTY_TEXT, "request '" + request.getId() + "': " + part[0]
                        + " is empty");
            }
            if (part[1].length() > maxTextChars) {
                return new Refused(DeadLetterKind.TEXT_TOO_LONG, "request '" + request.getId() + "': " + part[0]
                        + " has " + part[1].length() + " characters, more than max.text.chars=" + maxTextChars);
            }
        }
        return null;
    }
}
