/**
 * Cluster DNS, the CoreDNS of a Stevedore node: {@code <svc>.<ns>.svc.<domain>} and the
 * rest of the Kubernetes DNS specification answered from Service and EndpointSlice
 * informers, everything else forwarded to the node's resolvers.
 * <p>
 * Turned on with {@code stevedore.proxy.dns.enabled=true} (off by default: it needs root
 * to put {@code stevedore.proxy.dns.address}, 10.96.0.10, on {@code lo} and to bind port
 * 53). Pods reach it as their nameserver through the host; the node agent must use the
 * same address and cluster domain ({@code stevedore.proxy.dns.cluster-domain},
 * cluster.local) in the resolv.conf it writes: {@code nameserver 10.96.0.10},
 * {@code search <ns>.svc.cluster.local svc.cluster.local cluster.local},
 * {@code options ndots:5}. At most one proxy per machine serves it (one socket per
 * address and port). See {@link io.stevedore.proxy.dns.DnsProperties} for every setting.
 */
package io.stevedore.proxy.dns;
