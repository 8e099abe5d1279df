/**
 * The base model as data: {@link dev.skeleton.engine.model.BaseModel} reads a BERT-family ONNX export (the
 * embedded all-MiniLM-L6-v2 by default) into {@link dev.skeleton.engine.model.EncoderWeights} (embeddings and one
 * {@link dev.skeleton.engine.model.EncoderLayer} per layer), which every skeleton slices. Knows nothing of tasks.
 */
package dev.skeleton.engine.model;
