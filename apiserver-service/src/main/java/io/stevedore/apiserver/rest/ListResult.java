package io.stevedore.apiserver.rest;

import java.util.List;

import io.stevedore.apiserver.cache.CachedObject;
import io.stevedore.machinery.registry.ResourceType;

/**
 * A page of a list.
 *
 * @param continueToken empty on the last page
 * @param remainingItemCount how many items follow this page, or {@code null}
 */
public record ListResult(ResourceType type, List<CachedObject> items, long revision, String continueToken,
		Long remainingItemCount) {

}
