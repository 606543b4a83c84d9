package io.stevedore.machinery.apply;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The outcome of a server-side apply.
 *
 * @param merged the object to store, with {@code metadata.managedFields}
 * @param changed whether anything but managedFields differs from the live object (an
 * unchanged object need not be written)
 */
public record ApplyResult(JsonNode merged, boolean changed) {
}
