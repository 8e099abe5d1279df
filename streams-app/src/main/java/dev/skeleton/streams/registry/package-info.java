/**
 * The skeletons being served, kept from the compacted registry topic: {@link
 * dev.skeleton.streams.registry.RegistryUpdater} checks each record's signature and content and hands it to the
 * {@link dev.skeleton.streams.registry.SkeletonRegistry}, which builds the new version's model before swapping it in
 * and frees the old one when its last {@link dev.skeleton.streams.registry.TaskLease} ends; a refused version leaves
 * the serving one in place and is remembered with its reason. {@link
 * dev.skeleton.streams.registry.RegistryTaskClassifier} adapts the registry to the stream path's classify port.
 */
package dev.skeleton.streams.registry;
