package dev.skeleton.engine.runtime;

import dev.skeleton.engine.model.BaseModel;
import dev.skeleton.engine.skeleton.SyntheticSkeletons;
import dev.skeleton.engine.text.TextInput;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void smoke() {
        long t0 = System.nanoTime();
        BaseModel base = BaseModel.loadDefault();
        System.out.println(base + " loaded in " + (System.nanoTime() - t0) / 1e6 + " ms");
        try (SkeletonEngine engine = new SkeletonEngine(base, EngineConfig.defaults())) {
            var task = engine.load(SyntheticSkeletons.random(base, "t", 20, 0.3, 1.0, 1));
            var out = task.classify(List.of(TextInput.of("a great movie"), TextInput.of("terrible, boring and far too long")));
            System.out.println(out.get(0).label() + " " + java.util.Arrays.toString(out.get(0).probabilities()));
            System.out.println(out.get(1).label() + " " + java.util.Arrays.toString(out.get(1).probabilities()));
        }
    }
}
