/**
 * The three PATCH content types of the Kubernetes API: JSON Merge Patch, JSON Patch and
 * strategic merge patch, applied to JSON trees of whole objects. Entry point:
 * {@link io.stevedore.machinery.patch.Patches}; failures are
 * {@link io.stevedore.machinery.patch.PatchException} with kube-apiserver's message and
 * HTTP code. Server-side apply is in {@code io.stevedore.machinery.apply}.
 */
package io.stevedore.machinery.patch;
