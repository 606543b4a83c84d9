/**
 * NetworkPolicy (networking.k8s.io/v1) enforcement for the pods on this machine: iptables
 * filter chains in the FORWARD and INPUT paths, rendered from informer caches
 * ({@link io.stevedore.proxy.networkpolicy.PolicyRenderer}), applied by partial restores
 * ({@link io.stevedore.proxy.networkpolicy.PolicyEnforcer}), driven by
 * {@link io.stevedore.proxy.networkpolicy.NetworkPolicyController}.
 */
package io.stevedore.proxy.networkpolicy;
