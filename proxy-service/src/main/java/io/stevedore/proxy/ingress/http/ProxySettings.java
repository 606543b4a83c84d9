package io.stevedore.proxy.ingress.http;

import java.time.Duration;

/**
 * How the Ingress talks to backends.
 *
 * @param connectTimeout for a new backend connection (then the next endpoint is tried)
 * @param readTimeout most time without a byte from the backend while a request is in
 * flight (504 before the response started); also the idle time of pooled connections
 * @param retries other endpoints tried after a failed connection
 * @param maxIdlePerEndpoint pooled keep-alive connections per endpoint and event loop
 */
public record ProxySettings(Duration connectTimeout, Duration readTimeout, int retries, int maxIdlePerEndpoint) {

}
