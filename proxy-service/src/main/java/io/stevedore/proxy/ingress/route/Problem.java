package io.stevedore.proxy.ingress.route;

/**
 * Something of an Ingress that cannot be served as written; reported as a Warning Event
 * on the Ingress while the rest keeps serving.
 *
 * @param reason the Event reason, e.g. {@code ServiceNotFound}
 * @param message what is wrong, naming the object
 */
public record Problem(String reason, String message) {

}
