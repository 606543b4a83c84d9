package io.stevedore.apiserver.http;

import io.stevedore.apiserver.rest.CreateOperation;
import io.stevedore.apiserver.rest.DeleteOperations;
import io.stevedore.apiserver.rest.PodSubresources;
import io.stevedore.apiserver.rest.ReadOperations;
import io.stevedore.apiserver.rest.ScaleSubresource;
import io.stevedore.apiserver.rest.UpdateOperations;
import io.stevedore.apiserver.rest.WatchOperation;

/** The operations the HTTP layer dispatches to, one per verb family. */
public record ResourceHandlers(ReadOperations reads, CreateOperation creates, UpdateOperations updates,
		DeleteOperations deletes, WatchOperation watches, ScaleSubresource scale, PodSubresources pods) {

}
