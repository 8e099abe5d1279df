/**
 * The skeleton artifact: Avro files written atomically ({@link dev.skeleton.engine.skeleton.SkeletonFiles}),
 * matrices in Avro form ({@link dev.skeleton.engine.skeleton.Matrices}), and the one validator that the service,
 * {@code publish} and the builder all apply before anything runs
 * ({@link dev.skeleton.engine.skeleton.SkeletonValidator}).
 */
package dev.skeleton.engine.skeleton;
