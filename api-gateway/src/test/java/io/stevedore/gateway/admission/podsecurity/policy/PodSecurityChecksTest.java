package io.stevedore.gateway.admission.podsecurity.policy;

import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Every check of the Pod Security Standards, one table row per behaviour: the pod (as the
 * YAML a user writes), the level and version it is evaluated against, and the exact text
 * kube-apiserver prints after {@code violates PodSecurity "...": } (empty: allowed).
 */
class PodSecurityChecksTest {

	private static final Evaluator EVALUATOR = Evaluator.standard();

	/** A pod that passes restricted: containers are added to it per case. */
	private static final String RESTRICTED_POD_SECURITY = """
			securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
			""";

	private static final String RESTRICTED_CONTAINER = "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}";

	static Stream<Arguments> baseline() {
		return Stream.of(arguments("a pod that sets nothing is allowed", "baseline:latest", """
				containers: [{name: c, image: busybox}]
				""", ""), arguments("a Windows HostProcess pod and container are refused, the pod named first",
				"baseline:latest", """
						securityContext: {windowsOptions: {hostProcess: true}}
						containers: [{name: c, image: busybox, securityContext: {windowsOptions: {hostProcess: true}}}]
						""",
				"hostProcess (pod and container \"c\" must not set securityContext.windowsOptions.hostProcess=true)"),
				arguments("sharing the host's namespaces is refused, the namespaces sorted", "baseline:latest", """
						hostPID: true
						hostNetwork: true
						hostIPC: true
						containers: [{name: c, image: busybox}]
						""", "host namespaces (hostIPC, hostNetwork, hostPID)"),
				arguments("hostNetwork false is allowed", "baseline:latest", """
						hostNetwork: false
						containers: [{name: c, image: busybox}]
						""", ""),
				arguments("privileged init and regular containers are named in pod order", "baseline:latest", """
						containers: [{name: c, image: busybox, securityContext: {privileged: true}}]
						initContainers: [{name: init, image: busybox, securityContext: {privileged: true}}]
						""", "privileged (containers \"init\", \"c\" must not set securityContext.privileged=true)"),
				arguments("a privileged ephemeral container is refused too", "baseline:latest", """
						containers: [{name: c, image: busybox}]
						ephemeralContainers: [{name: debug, image: busybox, securityContext: {privileged: true}}]
						""", "privileged (container \"debug\" must not set securityContext.privileged=true)"),
				arguments("adding capabilities beyond the default set is refused, default ones are not named",
						"baseline:latest",
						"""
								containers: [{name: c, image: busybox, securityContext: {capabilities: {add: [SYS_ADMIN, CHOWN, NET_RAW]}}}]
								""",
						"non-default capabilities (container \"c\" must not include \"NET_RAW\", \"SYS_ADMIN\" in securityContext.capabilities.add)"),
				arguments("adding default capabilities is allowed", "baseline:latest",
						"""
								containers: [{name: c, image: busybox, securityContext: {capabilities: {add: [NET_BIND_SERVICE, KILL]}}}]
								""",
						""),
				arguments("hostPath volumes are refused", "baseline:latest",
						"""
								containers: [{name: c, image: busybox}]
								volumes: [{name: host, hostPath: {path: /}}, {name: data, emptyDir: {}}, {name: etc, hostPath: {path: /etc}}]
								""",
						"hostPath volumes (volumes \"host\", \"etc\")"),
				arguments("a host port is refused", "baseline:latest", """
						containers: [{name: a, image: busybox, ports: [{containerPort: 80, hostPort: 80}]}]
						""", "hostPort (container \"a\" uses hostPort 80)"),
				arguments("host ports of several containers are listed once, sorted as text", "baseline:latest",
						"""
								containers:
								- {name: a, image: busybox, ports: [{containerPort: 80, hostPort: 8080}, {containerPort: 81}]}
								- {name: b, image: busybox, ports: [{containerPort: 80, hostPort: 80}, {containerPort: 9000, hostPort: 8080}]}
								""",
						"hostPort (containers \"a\", \"b\" use hostPorts 80, 8080)"),
				arguments("an unconfined AppArmor annotation is refused", "baseline:latest", """
						containers: [{name: c, image: busybox}]
						""",
						"forbidden AppArmor profile (annotation must not set AppArmor profile type to "
								+ "\"container.apparmor.security.beta.kubernetes.io/c=\"unconfined\"\")",
						"container.apparmor.security.beta.kubernetes.io/c: unconfined"),
				arguments("runtime/default and localhost AppArmor annotations are allowed", "baseline:latest", """
						containers: [{name: c, image: busybox}, {name: d, image: busybox}]
						""", "",
						"container.apparmor.security.beta.kubernetes.io/c: runtime/default\n"
								+ "container.apparmor.security.beta.kubernetes.io/d: localhost/mine"),
				arguments("unconfined AppArmor profile fields are refused, the pod before containers",
						"baseline:latest",
						"""
								securityContext: {appArmorProfile: {type: Unconfined}}
								containers: [{name: c, image: busybox, securityContext: {appArmorProfile: {type: Unconfined}}}]
								""",
						"forbidden AppArmor profile (pod and container \"c\" must not set AppArmor profile type to \"Unconfined\")"),
				arguments("a custom SELinux type is refused", "baseline:latest", """
						containers: [{name: c, image: busybox, securityContext: {seLinuxOptions: {type: spc_t}}}]
						""",
						"seLinuxOptions (container \"c\" set forbidden securityContext.seLinuxOptions: type \"spc_t\")"),
				arguments("SELinux user and role are refused even without a type", "baseline:latest", """
						securityContext: {seLinuxOptions: {user: system_u, role: system_r, level: "s0:c1"}}
						containers: [{name: c, image: busybox}]
						""",
						"seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: user may not be set; role may not be set)"),
				arguments("container_engine_t is allowed from v1.31", "baseline:v1.31",
						"""
								containers: [{name: c, image: busybox, securityContext: {seLinuxOptions: {type: container_engine_t}}}]
								""",
						""),
				arguments("container_engine_t is refused by v1.30", "baseline:v1.30",
						"""
								containers: [{name: c, image: busybox, securityContext: {seLinuxOptions: {type: container_engine_t}}}]
								""",
						"seLinuxOptions (container \"c\" set forbidden securityContext.seLinuxOptions: type \"container_engine_t\")"),
				arguments("an unmasked /proc is refused", "baseline:latest", """
						containers: [{name: c, image: busybox, securityContext: {procMount: Unmasked}}]
						""", "procMount (container \"c\" must not set securityContext.procMount to \"Unmasked\")"),
				arguments("the Default /proc mount is allowed", "baseline:latest", """
						containers: [{name: c, image: busybox, securityContext: {procMount: Default}}]
						""", ""),
				arguments("an unconfined seccomp profile is refused", "baseline:latest", """
						securityContext: {seccompProfile: {type: Unconfined}}
						containers: [{name: c, image: busybox, securityContext: {seccompProfile: {type: Unconfined}}}]
						""",
						"seccompProfile (pod and container \"c\" must not set securityContext.seccompProfile.type to \"Unconfined\")"),
				arguments("before v1.19 the seccomp annotations are what is checked", "baseline:v1.18", """
						containers: [{name: c, image: busybox}]
						""",
						"seccompProfile (forbidden annotations container.seccomp.security.alpha.kubernetes.io/c=\"unconfined\", "
								+ "seccomp.security.alpha.kubernetes.io/pod=\"unconfined\")",
						"seccomp.security.alpha.kubernetes.io/pod: unconfined\n"
								+ "container.seccomp.security.alpha.kubernetes.io/c: unconfined"),
				arguments("unsafe sysctls are refused in the order given", "baseline:latest",
						"""
								securityContext: {sysctls: [{name: net.core.somaxconn, value: "1024"}, {name: kernel.msgmax, value: "1"}, {name: net.ipv4.tcp_syncookies, value: "1"}]}
								containers: [{name: c, image: busybox}]
								""",
						"forbidden sysctls (net.core.somaxconn, kernel.msgmax)"),
				arguments("net.ipv4.tcp_rmem became safe in v1.32", "baseline:v1.32", """
						securityContext: {sysctls: [{name: net.ipv4.tcp_rmem, value: "4096 87380 16777216"}]}
						containers: [{name: c, image: busybox}]
						""", ""), arguments("net.ipv4.tcp_rmem was unsafe in v1.31", "baseline:v1.31", """
						securityContext: {sysctls: [{name: net.ipv4.tcp_rmem, value: "4096 87380 16777216"}]}
						containers: [{name: c, image: busybox}]
						""", "forbidden sysctls (net.ipv4.tcp_rmem)"),
				arguments("baseline does not ask for what restricted asks", "baseline:latest",
						"""
								securityContext: {runAsUser: 0}
								containers: [{name: c, image: busybox, securityContext: {runAsNonRoot: false, allowPrivilegeEscalation: true}}]
								volumes: [{name: nfs, nfs: {server: 127.0.0.1, path: /}}]
								""",
						""),
				arguments("at baseline the reasons follow Kubernetes' check IDs, the superseded checks among them",
						"baseline:latest",
						"""
								hostNetwork: true
								securityContext: {seccompProfile: {type: Unconfined}, sysctls: [{name: kernel.msgmax, value: "1"}]}
								containers: [{name: c, image: busybox, securityContext: {privileged: true, capabilities: {add: [SYS_ADMIN]}}}]
								volumes: [{name: h, hostPath: {path: /}}]
								""",
						"non-default capabilities (container \"c\" must not include \"SYS_ADMIN\" in securityContext.capabilities.add), "
								+ "host namespaces (hostNetwork), hostPath volumes (volume \"h\"), "
								+ "privileged (container \"c\" must not set securityContext.privileged=true), "
								+ "seccompProfile (pod must not set securityContext.seccompProfile.type to \"Unconfined\"), "
								+ "forbidden sysctls (kernel.msgmax)"),
				arguments("before v1.19 restricted reads the seccomp annotations with baseline's check",
						"restricted:v1.18",
						"""
								securityContext: {runAsNonRoot: true}
								containers: [{name: c, image: busybox, securityContext: {allowPrivilegeEscalation: false}}]
								""",
						"seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod=\"unconfined\")",
						"seccomp.security.alpha.kubernetes.io/pod: unconfined"),
				arguments("privileged allows everything", "privileged:latest", """
						hostNetwork: true
						containers: [{name: c, image: busybox, securityContext: {privileged: true}}]
						""", ""));
	}

	static Stream<Arguments> restricted() {
		return Stream.of(
				arguments("a pod following every restricted rule is allowed", "restricted:latest",
						RESTRICTED_POD_SECURITY + "containers: [{name: c, image: busybox, securityContext: "
								+ RESTRICTED_CONTAINER + "}]\n"
								+ "volumes: [{name: a, configMap: {name: x}}, {name: b, secret: {secretName: x}}, "
								+ "{name: c, emptyDir: {}}, {name: d, projected: {sources: []}}, "
								+ "{name: e, persistentVolumeClaim: {claimName: x}}, {name: f, downwardAPI: {}}, "
								+ "{name: g, csi: {driver: x}}, {name: h, ephemeral: {}}]\n",
						""),
				arguments("restricted runs the baseline checks first", "restricted:latest",
						RESTRICTED_POD_SECURITY
								+ "hostPID: true\ncontainers: [{name: c, image: busybox, securityContext: "
								+ RESTRICTED_CONTAINER + "}]\n",
						"host namespaces (hostPID)"),
				arguments("volume types other than the core ones are refused, named by type", "restricted:latest",
						RESTRICTED_POD_SECURITY + "containers: [{name: c, image: busybox, securityContext: "
								+ RESTRICTED_CONTAINER + "}]\n"
								+ "volumes: [{name: b, nfs: {server: 127.0.0.1, path: /}}, {name: a, hostPath: {path: /}}, "
								+ "{name: c, gitRepo: {repository: x}}]\n",
						"restricted volume types (volumes \"b\", \"a\", \"c\" use restricted volume types \"gitRepo\", \"hostPath\", \"nfs\")"),
				arguments("one hostPath volume is named once, by the restricted check only", "restricted:latest",
						RESTRICTED_POD_SECURITY + "containers: [{name: c, image: busybox, securityContext: "
								+ RESTRICTED_CONTAINER + "}]\nvolumes: [{name: a, hostPath: {path: /}}]\n",
						"restricted volume types (volume \"a\" uses restricted volume type \"hostPath\")"),
				arguments("allowing privilege escalation, or leaving it unset, is refused", "restricted:latest",
						RESTRICTED_POD_SECURITY + "containers:\n"
								+ "- {name: a, image: busybox, securityContext: {allowPrivilegeEscalation: true, capabilities: {drop: [ALL]}}}\n"
								+ "- {name: b, image: busybox, securityContext: {capabilities: {drop: [ALL]}}}\n"
								+ "- {name: c, image: busybox, securityContext: " + RESTRICTED_CONTAINER + "}\n",
						"allowPrivilegeEscalation != false (containers \"a\", \"b\" must set securityContext.allowPrivilegeEscalation=false)"),
				arguments("adding capabilities other than NET_BIND_SERVICE is refused", "restricted:latest",
						RESTRICTED_POD_SECURITY
								+ "containers: [{name: c, image: busybox, securityContext: {allowPrivilegeEscalation: false, "
								+ "capabilities: {drop: [ALL], add: [NET_BIND_SERVICE, SYS_TIME, CHOWN]}}}]\n",
						"unrestricted capabilities (container \"c\" must not include \"CHOWN\", \"SYS_TIME\" in securityContext.capabilities.add)"),
				arguments("not dropping ALL and adding are both reported", "restricted:latest", RESTRICTED_POD_SECURITY
						+ "containers: [{name: c, image: busybox, securityContext: {allowPrivilegeEscalation: false, "
						+ "capabilities: {drop: [NET_RAW], add: [SYS_ADMIN]}}}]\n",
						"unrestricted capabilities (container \"c\" must set securityContext.capabilities.drop=[\"ALL\"]; "
								+ "container \"c\" must not include \"SYS_ADMIN\" in securityContext.capabilities.add)"),
				arguments("runAsNonRoot false on the pod is refused even when a container sets true",
						"restricted:latest",
						"securityContext: {runAsNonRoot: false, seccompProfile: {type: RuntimeDefault}}\n"
								+ "containers: [{name: c, image: busybox, securityContext: {runAsNonRoot: true, "
								+ "allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]\n",
						"runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)"),
				arguments("a container without runAsNonRoot is allowed when the pod sets it", "restricted:latest",
						RESTRICTED_POD_SECURITY + "containers: [{name: c, image: busybox, securityContext: "
								+ RESTRICTED_CONTAINER + "}]\n",
						""),
				arguments("containers without runAsNonRoot are refused when the pod does not set it",
						"restricted:latest",
						"securityContext: {seccompProfile: {type: RuntimeDefault}}\n"
								+ "containers: [{name: a, image: busybox, securityContext: {runAsNonRoot: true, "
								+ "allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}, {name: b, image: busybox, securityContext: "
								+ RESTRICTED_CONTAINER + "}]\n",
						"runAsNonRoot != true (pod or container \"b\" must set securityContext.runAsNonRoot=true)"),
				arguments("runAsUser 0 is refused on the pod and on containers", "restricted:latest",
						"securityContext: {runAsNonRoot: true, runAsUser: 0, seccompProfile: {type: RuntimeDefault}}\n"
								+ "containers: [{name: c, image: busybox, securityContext: {runAsUser: 0, "
								+ "allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]\n",
						"runAsUser=0 (pod and container \"c\" must not set runAsUser=0)"),
				arguments("runAsUser 0 was not checked before v1.23", "restricted:v1.22",
						"securityContext: {runAsNonRoot: true, runAsUser: 0, seccompProfile: {type: RuntimeDefault}}\n"
								+ "containers: [{name: c, image: busybox, securityContext: " + RESTRICTED_CONTAINER
								+ "}]\n",
						""),
				arguments("a container may set its own seccomp profile instead of the pod", "restricted:latest",
						"securityContext: {runAsNonRoot: true}\ncontainers: [{name: c, image: busybox, securityContext: "
								+ "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, seccompProfile: {type: Localhost, localhostProfile: p.json}}}]\n",
						""),
				arguments("an unconfined container seccomp profile is refused despite the pod's", "restricted:latest",
						RESTRICTED_POD_SECURITY + "containers: [{name: c, image: busybox, securityContext: "
								+ "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, seccompProfile: {type: Unconfined}}}]\n",
						"seccompProfile (container \"c\" must not set securityContext.seccompProfile.type to \"Unconfined\")"),
				arguments("Windows pods need no capabilities, privilege escalation or seccomp from v1.25",
						"restricted:latest", """
								os: {name: windows}
								securityContext: {runAsNonRoot: true}
								containers: [{name: c, image: busybox}]
								""", ""),
				arguments("Windows pods needed them before v1.25", "restricted:v1.24", """
						os: {name: windows}
						securityContext: {runAsNonRoot: true}
						containers: [{name: c, image: busybox}]
						""",
						"allowPrivilegeEscalation != false (container \"c\" must set securityContext.allowPrivilegeEscalation=false), "
								+ "unrestricted capabilities (container \"c\" must set securityContext.capabilities.drop=[\"ALL\"]), "
								+ "seccompProfile (pod or container \"c\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")"),
				arguments("before v1.22 restricted neither asks to drop ALL nor supersedes baseline's capability check",
						"restricted:v1.21",
						RESTRICTED_POD_SECURITY
								+ "containers: [{name: c, image: busybox, securityContext: {allowPrivilegeEscalation: false, "
								+ "capabilities: {add: [SYS_ADMIN]}}}]\n",
						"non-default capabilities (container \"c\" must not include \"SYS_ADMIN\" in securityContext.capabilities.add)"),
				arguments("a future version is evaluated as the newest known", "restricted:v1.99",
						RESTRICTED_POD_SECURITY + "containers: [{name: c, image: busybox, securityContext: "
								+ RESTRICTED_CONTAINER + "}]\n",
						""),
				arguments("at restricted, baseline's capability and seccomp checks give way to restricted's",
						"restricted:latest",
						"securityContext: {runAsNonRoot: true, seccompProfile: {type: Unconfined}}\n"
								+ "containers: [{name: c, image: busybox, securityContext: {allowPrivilegeEscalation: false, "
								+ "capabilities: {drop: [ALL], add: [SYS_ADMIN]}}}]\n",
						"unrestricted capabilities (container \"c\" must not include \"SYS_ADMIN\" in securityContext.capabilities.add), "
								+ "seccompProfile (pod must not set securityContext.seccompProfile.type to \"Unconfined\")"));
	}

	/** Every row, those without annotations given none. */
	static Stream<Arguments> cases() {
		return Stream.concat(baseline(), restricted()).map((row) -> {
			Object[] values = row.get();
			return values.length == 5 ? row : arguments(values[0], values[1], values[2], values[3], "");
		});
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void checksAPodAsKubernetesDoes(String sentence, String levelVersion, String specYaml, String expected,
			String annotationsYaml) {
		Pod pod = pod("p", annotationsYaml, specYaml);

		AggregateResult result = EVALUATOR.evaluate(levelVersion(levelVersion), pod.getMetadata(), pod.getSpec());

		assertThat(result.forbiddenDetail()).as(sentence).isEqualTo(expected);
		assertThat(result.allowed()).isEqualTo(expected.isEmpty());
	}

	static Pod pod(String name, String annotationsYaml, String specYaml) {
		StringBuilder yaml = new StringBuilder("apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\n");
		if (!annotationsYaml.isEmpty()) {
			yaml.append("  annotations:\n").append(annotationsYaml.indent(4));
		}
		yaml.append("spec:\n").append(specYaml.indent(2));
		return Serialization.unmarshal(yaml.toString(), Pod.class);
	}

	static LevelVersion levelVersion(String text) {
		String[] parts = text.split(":");
		return new LevelVersion(Level.parse(parts[0]).orElseThrow(), PolicyVersion.parse(parts[1]).orElseThrow());
	}

}
