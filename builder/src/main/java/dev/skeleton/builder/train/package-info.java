/**
 * Training on the PyTorch engine: prompt tuning ({@link dev.skeleton.builder.train.PromptTuner}, AdamW), neuron
 * attribution and localization, and the GLUE metrics every choice is made with.
 */
package dev.skeleton.builder.train;
