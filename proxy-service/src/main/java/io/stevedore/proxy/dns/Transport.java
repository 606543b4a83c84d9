package io.stevedore.proxy.dns;

/**
 * How a query arrived; it bounds the reply size (UDP) and picks the upstream transport.
 */
enum Transport {

	UDP, TCP

}
