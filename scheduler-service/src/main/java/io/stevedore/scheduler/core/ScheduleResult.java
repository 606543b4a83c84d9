package io.stevedore.scheduler.core;

/**
 * The outcome of one scheduling cycle's search.
 *
 * @param nodeName the chosen node, or null when none fits
 * @param evaluatedNodes nodes filtered
 * @param feasibleNodes nodes that passed every filter
 * @param fitError why nothing fits, when {@code nodeName} is null
 */
public record ScheduleResult(String nodeName, int evaluatedNodes, int feasibleNodes, FitError fitError) {
}
