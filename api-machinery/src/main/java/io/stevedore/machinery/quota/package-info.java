/**
 * Kubernetes' quota evaluators (pkg/quota/v1/evaluator/core): what pods, Services, PVCs
 * and other objects use of a ResourceQuota. Shared by the controller that recalculates
 * status.used and the admission plugin that charges it on each create.
 */
package io.stevedore.machinery.quota;
