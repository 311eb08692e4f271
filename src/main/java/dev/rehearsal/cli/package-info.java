/**
 * The command line ({@code java -jar target/rehearsal.jar <command>}): picocli commands that parse and
 * validate options, run the engine, and print tables or JSON. Errors the user can fix are one line on
 * stderr and a documented exit code ({@link dev.rehearsal.RehearsalException}), never a stack trace.
 */
package dev.rehearsal.cli;
