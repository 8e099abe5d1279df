/**
 * Clients of a running service that the demo and the stream benchmark share: a producer of requests at a rate and
 * a collector of results that counts what was lost and what was duplicated.
 */
package dev.skeleton.cli.live;
