package io.stevedore.machinery.apply;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static io.stevedore.machinery.apply.Fixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;

class FieldSetTest {

	private static final String FIELDS = """
			f:metadata:
			  f:labels: {.: {}, f:app: {}}
			f:spec:
			  f:replicas: {}
			  f:template:
			    f:spec:
			      f:containers:
			        'k:{"name":"web"}': {.: {}, f:image: {}, f:name: {}}
			""";

	@Test
	void roundTripsFieldsV1() {
		JsonNode fields = yaml(FIELDS);
		assertThat(FieldSet.fromFieldsV1(fields).toFieldsV1()).isEqualTo(fields);
	}

	@Test
	void membersAreTheLeavesAndTheNodesMarkedWithADot() {
		FieldSet set = FieldSet.fromFieldsV1(yaml(FIELDS));
		assertThat(set.has(List.of("f:metadata", "f:labels"))).isTrue();
		assertThat(set.has(List.of("f:metadata"))).isFalse();
		assertThat(set.has(List.of("f:spec", "f:replicas"))).isTrue();
		assertThat(set.paths()).hasSize(6);
	}

	@Test
	void differenceKeepsChildrenOfRemovedMembersButRecursiveDifferenceDropsThem() {
		FieldSet set = FieldSet.fromFieldsV1(yaml(FIELDS));
		FieldSet labels = FieldSet.empty();
		labels.insert(List.of("f:metadata", "f:labels"));

		assertThat(set.difference(labels).toFieldsV1().at("/f:metadata/f:labels")).isEqualTo(yaml("{f:app: {}}"));
		assertThat(set.recursiveDifference(labels).toFieldsV1().has("f:metadata")).isFalse();
	}

	@Test
	void intersectionAndUnionWorkMemberByMember() {
		FieldSet a = FieldSet.fromFieldsV1(yaml("{f:spec: {f:replicas: {}, f:paused: {}}}"));
		FieldSet b = FieldSet.fromFieldsV1(yaml("{f:spec: {f:replicas: {}, f:minReadySeconds: {}}}"));
		assertThat(a.intersection(b).toFieldsV1()).isEqualTo(yaml("{f:spec: {f:replicas: {}}}"));
		assertThat(a.union(b).paths()).hasSize(3);
		assertThat(a.difference(a).isEmpty()).isTrue();
	}

	@Test
	void pathsPrintAsStructuredMergeDiffDoes() {
		assertThat(PathElements
			.describe(List.of("f:spec", "f:ports", "k:{\"port\":80,\"protocol\":\"TCP\"}", "f:targetPort")))
			.isEqualTo(".spec.ports[port=80,protocol=\"TCP\"].targetPort");
		assertThat(PathElements.describe(List.of("f:metadata", "f:finalizers", "v:\"a/b\"")))
			.isEqualTo(".metadata.finalizers[=\"a/b\"]");
	}

	@Test
	void hasMembersOutsideSaysWhetherTheDifferenceIsNonEmpty() {
		FieldSet fields = FieldSet.fromFieldsV1(yaml(FIELDS));
		List<FieldSet> others = List.of(FieldSet.empty(), fields.copy(), FieldSet.fromFieldsV1(yaml("f:spec: {}")),
				FieldSet.fromFieldsV1(yaml("f:metadata: {f:labels: {.: {}, f:app: {}}}")),
				FieldSet.fromFieldsV1(yaml("f:apiVersion: {}\nf:kind: {}\nf:metadata: {}")));
		for (FieldSet a : List.of(fields, FieldSet.empty(), FieldSet.fromFieldsV1(yaml("f:metadata: {}")))) {
			for (FieldSet b : others) {
				assertThat(a.hasMembersOutside(b)).as("%s outside %s", a, b).isEqualTo(!a.difference(b).isEmpty());
			}
		}
		assertThat(fields.hasMembersOutside(FieldSet.empty())).isTrue();
		assertThat(fields.hasMembersOutside(fields.copy())).isFalse();
	}

	@Test
	void differenceKeepsAllSaysWhetherTheDifferenceIsAnEqualSet() {
		FieldSet fields = FieldSet.fromFieldsV1(yaml(FIELDS));
		// A FieldsV1 value that is no object is read as an empty node, which a
		// difference drops where its walk reaches it.
		List<FieldSet> sets = List.of(FieldSet.empty(), fields, FieldSet.fromFieldsV1(yaml("f:spec: {}")),
				FieldSet.fromFieldsV1(yaml("f:metadata: {f:labels: {.: {}}}")),
				FieldSet.fromFieldsV1(yaml("f:metadata: {f:labels: {f:app: {}}}\nf:status: {}")),
				FieldSet.fromFieldsV1(yaml("f:metadata: {f:labels: {f:tier: {}}}\nf:status: {f:phase: {}}")),
				FieldSet.fromFieldsV1(yaml("f:apiVersion: {}\nf:kind: {}\nf:metadata: {}")),
				FieldSet.fromFieldsV1(yaml("f:odd: [1]\nf:spec: {}")),
				FieldSet.fromFieldsV1(yaml("f:metadata: {f:odd: [1], f:labels: {f:tier: {}}}")));
		for (FieldSet a : sets) {
			for (FieldSet b : sets) {
				assertThat(a.differenceKeepsAll(b)).as("%s minus %s", a, b).isEqualTo(a.difference(b).equals(a));
			}
		}
	}

	@Test
	void inPlaceOperationsLeaveWhatTheCopyingOnesReturn() {
		FieldSet fields = FieldSet.fromFieldsV1(yaml(FIELDS));
		List<FieldSet> others = List.of(FieldSet.empty(), fields.copy(), FieldSet.fromFieldsV1(yaml("f:spec: {}")),
				FieldSet.fromFieldsV1(yaml("f:metadata: {f:labels: {.: {}}}")),
				FieldSet.fromFieldsV1(yaml("f:metadata: {f:labels: {f:app: {}}}\nf:status: {}")),
				FieldSet.fromFieldsV1(yaml("f:apiVersion: {}\nf:kind: {}\nf:metadata: {}")));
		for (FieldSet a : List.of(fields, FieldSet.empty(), FieldSet.fromFieldsV1(yaml("f:metadata: {}")))) {
			for (FieldSet b : others) {
				assertThat(a.copy().removeAll(b)).as("%s minus %s", a, b).isEqualTo(a.difference(b));
				assertThat(a.copy().removeAllRecursively(b)).as("%s recursively minus %s", a, b)
					.isEqualTo(a.recursiveDifference(b));
				assertThat(a.copy().addAll(b)).as("%s plus %s", a, b).isEqualTo(a.union(b));
			}
		}
		FieldSet copy = fields.copy();
		copy.removeAllRecursively(FieldSet.fromFieldsV1(yaml("f:spec: {}")));
		assertThat(copy.toFieldsV1().has("f:spec")).isFalse();
		assertThat(fields.toFieldsV1().has("f:spec")).as("the operand is untouched").isTrue();
	}

}
