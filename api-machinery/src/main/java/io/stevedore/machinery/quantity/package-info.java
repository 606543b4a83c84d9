/**
 * Resource quantities ({@code 100m}, {@code 1Gi}) with Kubernetes' grammar, rounding and
 * canonical printing.
 */
package io.stevedore.machinery.quantity;
