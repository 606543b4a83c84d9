package io.stevedore.storage;

import java.util.List;

/**
 * One page of a prefix listing.
 *
 * @param items values in ascending key order
 * @param revision the store revision when the page was read
 * @param more whether keys follow the last item
 */
public record ListPage(List<KeyValue> items, long revision, boolean more) {

}
