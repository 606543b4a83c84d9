package io.stevedore.machinery.validation;

import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.stevedore.machinery.defaulting.Defaulting;
import io.stevedore.machinery.errors.FieldError;
import io.stevedore.machinery.registry.ResourceRegistry;
import io.stevedore.machinery.registry.ResourceType;

/**
 * Realistic manifests for validation tests, decoded and defaulted as the apiserver does.
 */
public final class Manifests {

	private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

	public static final String POD = """
			apiVersion: v1
			kind: Pod
			metadata:
			  name: web-0
			  namespace: default
			  labels: {app: web}
			spec:
			  containers:
			  - name: web
			    image: nginx:1.27
			    ports:
			    - {name: http, containerPort: 80}
			    env:
			    - {name: MODE, value: production}
			    - name: POD_NAME
			      valueFrom: {fieldRef: {fieldPath: metadata.name}}
			    resources:
			      requests: {cpu: 100m, memory: 64Mi}
			      limits: {cpu: 500m, memory: 128Mi}
			    readinessProbe:
			      httpGet: {path: /healthz, port: http}
			    livenessProbe:
			      tcpSocket: {port: 80}
			    volumeMounts:
			    - {name: config, mountPath: /etc/web}
			  volumes:
			  - name: config
			    configMap: {name: web-config}
			  tolerations:
			  - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
			""";

	public static final String DEPLOYMENT = """
			apiVersion: apps/v1
			kind: Deployment
			metadata:
			  name: web
			  namespace: default
			spec:
			  replicas: 3
			  selector:
			    matchLabels: {app: web}
			  template:
			    metadata:
			      labels: {app: web, tier: frontend}
			    spec:
			      containers:
			      - name: web
			        image: nginx:1.27
			        ports:
			        - containerPort: 80
			        resources:
			          limits: {memory: 256Mi}
			""";

	public static final String SERVICE = """
			apiVersion: v1
			kind: Service
			metadata:
			  name: web
			  namespace: default
			spec:
			  selector: {app: web}
			  ports:
			  - {name: http, port: 80, targetPort: 8080}
			  - {name: https, port: 443, targetPort: https}
			""";

	public static final String JOB = """
			apiVersion: batch/v1
			kind: Job
			metadata:
			  name: pi
			  namespace: default
			  uid: 6f1c5c1e-4b43-4bd6-a1a2-0c8f3a1d2e11
			spec:
			  backoffLimit: 4
			  template:
			    spec:
			      restartPolicy: Never
			      containers:
			      - name: pi
			        image: perl:5.34.0
			        command: [perl, -Mbignum=bpi, -wle, print bpi(2000)]
			""";

	public static final String CRONJOB = """
			apiVersion: batch/v1
			kind: CronJob
			metadata:
			  name: hello
			  namespace: default
			spec:
			  schedule: "*/5 * * * *"
			  jobTemplate:
			    spec:
			      template:
			        spec:
			          restartPolicy: OnFailure
			          containers:
			          - name: hello
			            image: busybox:1.36
			            command: [sh, -c, date; echo Hello]
			""";

	private Manifests() {
	}

	public static <T extends HasMetadata> T load(String yaml, Class<T> type) {
		try {
			return YAML.readValue(yaml, type);
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Decodes, lets the test change the object, then defaults it as the apiserver would.
	 */
	public static <T extends HasMetadata> T defaulted(String yaml, Class<T> type, Consumer<T> change) {
		T obj = load(yaml, type);
		change.accept(obj);
		Defaulting.apply(typeOf(obj), obj);
		return obj;
	}

	public static ResourceType typeOf(HasMetadata obj) {
		return ResourceRegistry.standard().findByApiVersionKind(obj.getApiVersion(), obj.getKind()).orElseThrow();
	}

	public static List<String> messages(List<FieldError> errors) {
		return errors.stream().map(FieldError::message).toList();
	}

	public static List<String> createErrors(HasMetadata obj) {
		return messages(Validation.validateCreate(typeOf(obj), obj));
	}

	public static List<String> updateErrors(HasMetadata obj, HasMetadata old) {
		return messages(Validation.validateUpdate(typeOf(obj), obj, old));
	}

}
