package io.stevedore.nodeagent.runtime;

/**
 * @param exitCode the command's exit code; -1 when it timed out
 * @param output stdout and stderr
 */
public record ExecResult(int exitCode, String output, boolean timedOut) {
}
