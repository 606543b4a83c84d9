/**
 * Server-side apply and {@code metadata.managedFields}, after Kubernetes'
 * structured-merge-diff: {@link io.stevedore.machinery.apply.FieldManager} is the entry
 * point for every write (update, apply, status),
 * {@link io.stevedore.machinery.apply.FieldSet} the FieldsV1 field sets it records.
 */
package io.stevedore.machinery.apply;
