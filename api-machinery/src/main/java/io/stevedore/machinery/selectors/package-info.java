/**
 * Label and field selectors, with Kubernetes' syntax, semantics and error messages.
 *
 * <pre>
 *  ?labelSelector=...  --LabelSelector.parse-----------------------------.
 *  spec.selector       --LabelSelector.from / fromSet--------------------+--&gt; matches(labels)
 *  ?fieldSelector=...  --FieldSelector.parse--&gt; FieldSelectors.convert --+--&gt; matches(fields)
 *  written object      --FieldSelectors.fields(type, json), once per write-'
 * </pre>
 *
 * Parse and convert once per request; match once per object and per watch event, which
 * allocates nothing. Parse and validation failures are {@link IllegalArgumentException}s
 * whose message is the text kube-apiserver returns in its 400 Bad Request.
 */
package io.stevedore.machinery.selectors;
