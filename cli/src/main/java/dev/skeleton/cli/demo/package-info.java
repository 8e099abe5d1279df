/**
 * {@code demo}: the whole product in one command on the embedded broker (bundled skeletons published, requests
 * produced at a rate, a live swap), scored against the labels of the data it sent.
 */
package dev.skeleton.cli.demo;
