/**
 * {@code run}, {@code publish} and {@code retire}: the streaming service and its registry topic on the command
 * line, sharing one settings file (repeatable {@code --config}) with the service.
 */
package dev.skeleton.cli.streams;
