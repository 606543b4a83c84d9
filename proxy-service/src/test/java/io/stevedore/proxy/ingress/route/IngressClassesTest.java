package io.stevedore.proxy.ingress.route;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IngressClassesTest {

	static IngressClass ingressClass(String name, String controller, boolean isDefault) {
		return new IngressClassBuilder().withNewMetadata()
			.withName(name)
			.withAnnotations(isDefault ? Map.of(IngressClasses.DEFAULT_ANNOTATION, "true") : Map.of())
			.endMetadata()
			.withNewSpec()
			.withController(controller)
			.endSpec()
			.build();
	}

	static Ingress ingress(String className, String legacyAnnotation) {
		return new IngressBuilder().withNewMetadata()
			.withName("i")
			.withAnnotations(
					(legacyAnnotation == null) ? Map.of() : Map.of(IngressClasses.LEGACY_ANNOTATION, legacyAnnotation))
			.endMetadata()
			.withNewSpec()
			.withIngressClassName(className)
			.endSpec()
			.build();
	}

	@Test
	void servesItsClassesAndClasslessIngressesWhenItsClassIsTheDefault() {
		IngressClasses classes = new IngressClasses(List.of(ingressClass("stevedore", "stevedore.io/ingress", true),
				ingressClass("nginx", "k8s.io/ingress-nginx", false)), "stevedore.io/ingress");
		assertThat(classes.serves(ingress("stevedore", null))).isTrue();
		assertThat(classes.serves(ingress(null, null))).isTrue();
		assertThat(classes.serves(ingress(null, "stevedore"))).isTrue();
		assertThat(classes.serves(ingress("nginx", null))).isFalse();
		assertThat(classes.serves(ingress(null, "nginx"))).isFalse();
		assertThat(classes.serves(ingress("unknown", null))).isFalse();
	}

	@Test
	void classlessIngressesAreLeftAloneWhenTheDefaultClassIsAnothers() {
		IngressClasses classes = new IngressClasses(List.of(ingressClass("stevedore", "stevedore.io/ingress", false),
				ingressClass("nginx", "k8s.io/ingress-nginx", true)), "stevedore.io/ingress");
		assertThat(classes.serves(ingress(null, null))).isFalse();
		assertThat(classes.serves(ingress("stevedore", null))).isTrue();
	}

}
