package dev.skeleton.builder.train;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One example with a NaN gradient is left out of the scores instead of making its layers' scores NaN. */
class AttributionAccumulationTest {

    @Test
    void shouldLeaveOutAnExampleWithANonFiniteGradient() {
        // 2 layers, 3 neurons, 2 heads, 3 examples; example 1 has a NaN in layer 1's neuron 2
        double[][] ffn = new double[2][3];
        double[][] heads = new double[2][2];
        float[][] ffnGrad = {
            {1, -2, 3, 10, 10, 10, -1, 0, 1},
            {0.5f, 0.5f, 0.5f, 10, 10, Float.NaN, 2, 2, 2}};
        float[][] headGrad = {{1, 1, 10, 10, -3, 3}, {0, 1, 10, 10, 1, 0}};

        int added = Attribution.accumulate(ffn, heads, ffnGrad, headGrad, 3, 1);

        assertThat(added).isEqualTo(2);
        assertThat(ffn[0]).containsExactly(2, 2, 4);
        assertThat(ffn[1]).containsExactly(2.5, 2.5, 2.5);
        assertThat(heads[0]).containsExactly(4, 4);
        assertThat(heads[1]).containsExactly(1, 1);
    }

    @Test
    void shouldLeaveOutAnInfiniteHeadGradientAndDivideBySteps() {
        // 1 layer, 1 neuron, 1 head, 2 examples; gradients summed over 2 integration steps
        double[][] ffn = new double[1][1];
        double[][] heads = new double[1][1];

        int added = Attribution.accumulate(ffn, heads, new float[][] {{-4, 6}},
                new float[][] {{1, Float.POSITIVE_INFINITY}}, 2, 2);

        assertThat(added).isEqualTo(1);
        assertThat(ffn[0]).as("|-4 / 2|; example 1 left out").containsExactly(2);
        assertThat(heads[0]).containsExactly(0.5);
    }
}
