/**
 * The nftables kernel data plane ({@code stevedore.proxy.mode=nftables}), after
 * kube-proxy's nftables mode (KEP-3866): one table of this proxy's own, verdict maps from
 * Service address, protocol and port to per-Service chains, written in one {@code nft -f}
 * transaction per sync.
 */
package io.stevedore.proxy.service.nftables;
