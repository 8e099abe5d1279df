/**
 * The base encoder in DJL's PyTorch engine, with gates on heads and neurons and the task's trainable parameters
 * (prompt, head): what training and attribution run on. Only this module uses PyTorch; serving uses ONNX Runtime.
 */
package dev.skeleton.builder.torch;
