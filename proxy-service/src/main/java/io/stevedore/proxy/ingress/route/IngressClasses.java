package io.stevedore.proxy.ingress.route;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;

/**
 * Which Ingresses this controller serves: those whose {@code spec.ingressClassName} (or
 * the legacy {@code kubernetes.io/ingress.class} annotation) names an IngressClass of our
 * controller, and those naming no class at all while one of our classes is the cluster's
 * default ({@code ingressclass.kubernetes.io/is-default-class: "true"}).
 */
public final class IngressClasses {

	public static final String DEFAULT_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

	public static final String LEGACY_ANNOTATION = "kubernetes.io/ingress.class";

	private final Set<String> ours = new HashSet<>();

	private boolean defaultIsOurs;

	public IngressClasses(Collection<IngressClass> classes, String controller) {
		for (IngressClass c : classes) {
			if (c.getSpec() != null && controller.equals(c.getSpec().getController())) {
				this.ours.add(c.getMetadata().getName());
				Map<String, String> annotations = c.getMetadata().getAnnotations();
				if (annotations != null && "true".equals(annotations.get(DEFAULT_ANNOTATION))) {
					this.defaultIsOurs = true;
				}
			}
		}
	}

	public boolean serves(Ingress ingress) {
		String name = (ingress.getSpec() == null) ? null : ingress.getSpec().getIngressClassName();
		if (name == null) {
			Map<String, String> annotations = ingress.getMetadata().getAnnotations();
			name = (annotations == null) ? null : annotations.get(LEGACY_ANNOTATION);
		}
		return (name == null) ? this.defaultIsOurs : this.ours.contains(name);
	}

}
