package dev.skeleton.builder.torch;

import dev.skeleton.engine.model.BaseModel;

/** The real base model, loaded once per test JVM. */
public final class TestBase {

    private static BaseModel base;

    private TestBase() {}

    public static synchronized BaseModel get() {
        if (base == null) {
            base = BaseModel.loadDefault();
        }
        return base;
    }
}
