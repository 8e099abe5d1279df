package dev.skeleton.cli;

/** Turns an exception into the one line a user sees after "error: ". */
final class ErrorMessages {

    private ErrorMessages() {}

    /**
     * The exception's own message when it has one (ours and the engine's are written for users); otherwise
     * the first message down the cause chain, so a bare wrapper never hides the reason.
     */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && !message.isBlank()) {
                return t == e ? oneLine(message) : oneLine(e.getClass().getSimpleName() + ": " + message);
            }
        }
        return e.getClass().getName();
    }

    private static String oneLine(String s) {
        return s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
