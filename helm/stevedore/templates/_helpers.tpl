{{/* The chart name, overridable. */}}
{{- define "stevedore.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The prefix of every object name: <release>-stevedore, or the release name when it already says so. */}}
{{- define "stevedore.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels of every object; call with (dict "root" $ "component" "gateway"). */}}
{{- define "stevedore.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "stevedore.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: stevedore
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels of one component. */}}
{{- define "stevedore.selectorLabels" -}}
app.kubernetes.io/name: {{ include "stevedore.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Name of one component's objects: <fullname>-<component>. */}}
{{- define "stevedore.componentName" -}}
{{- printf "%s-%s" (include "stevedore.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The ServiceAccount of one component. */}}
{{- define "stevedore.serviceAccountName" -}}
{{- if .root.Values.serviceAccount.create }}
{{- include "stevedore.componentName" . }}
{{- else }}
{{- "default" }}
{{- end }}
{{- end }}

{{/* A service image: <repository>/<image>:<tag or appVersion>; call with (dict "root" $ "image" "apiserver"). */}}
{{- define "stevedore.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.repository .image (default .root.Chart.AppVersion .root.Values.image.tag) }}
{{- end }}

{{/* Whether the bundled Redis runs: enabled and no external URL or Secret given. */}}
{{- define "stevedore.redis.bundled" -}}
{{- if and .Values.redis.enabled (not .Values.redis.external.url) (not .Values.redis.external.existingSecret) }}true{{ end }}
{{- end }}

{{/* The in-cluster URL of the gateway. */}}
{{- define "stevedore.gatewayUrl" -}}
{{- printf "https://%s.%s.svc:%v" (include "stevedore.componentName" (dict "root" . "component" "gateway")) .Release.Namespace .Values.gateway.service.port }}
{{- end }}

{{/* Probes on Actuator's health groups at the container's named port "http". */}}
{{- define "stevedore.probes" -}}
{{- $p := .root.Values.probes }}
startupProbe:
  httpGet: {path: /actuator/health/readiness, port: http, scheme: {{ .scheme | default "HTTP" }}}
  periodSeconds: {{ $p.startup.periodSeconds }}
  timeoutSeconds: {{ $p.startup.timeoutSeconds }}
  failureThreshold: {{ $p.startup.failureThreshold }}
livenessProbe:
  httpGet: {path: /actuator/health/liveness, port: http, scheme: {{ .scheme | default "HTTP" }}}
  initialDelaySeconds: {{ $p.liveness.initialDelaySeconds }}
  periodSeconds: {{ $p.liveness.periodSeconds }}
  timeoutSeconds: {{ $p.liveness.timeoutSeconds }}
  failureThreshold: {{ $p.liveness.failureThreshold }}
readinessProbe:
  httpGet: {path: /actuator/health/readiness, port: http, scheme: {{ .scheme | default "HTTP" }}}
  initialDelaySeconds: {{ $p.readiness.initialDelaySeconds }}
  periodSeconds: {{ $p.readiness.periodSeconds }}
  timeoutSeconds: {{ $p.readiness.timeoutSeconds }}
  failureThreshold: {{ $p.readiness.failureThreshold }}
{{- end }}

{{/* Pod-level settings shared by every component; call with (dict "root" $ "component" "x"). */}}
{{- define "stevedore.podSpec" -}}
serviceAccountName: {{ include "stevedore.serviceAccountName" . }}
# The components use Stevedore's API, never the hosting cluster's: no Kubernetes token in the pod.
automountServiceAccountToken: false
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .root.Values.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .root.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .root.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
affinity:
{{- if .root.Values.affinity }}
  {{- toYaml .root.Values.affinity | nindent 2 }}
{{- else }}
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "stevedore.selectorLabels" . | nindent 14 }}
{{- end }}
{{- end }}

{{/* Environment of the API's clients (scheduler, controllers): through the gateway's Service, trusting the
cluster CA, each with its own client certificate (CN system:kube-scheduler, system:kube-controller-manager) from
the CA Secret, as Kubernetes' components and `./stevedore up` do. The gateway authenticates and authorizes them;
the apiserver's NetworkPolicy admits only the gateway. Takes the component's context (root, component). */}}
{{- define "stevedore.clientEnv" -}}
- name: STEVEDORE_APISERVER_URL
  value: {{ include "stevedore.gatewayUrl" .root | quote }}
- name: STEVEDORE_APISERVER_CACERTFILE
  value: /var/run/stevedore/identity/ca.crt
- name: STEVEDORE_APISERVER_CLIENTCERTFILE
  value: {{ printf "/var/run/stevedore/identity/%s.crt" .component | quote }}
- name: STEVEDORE_APISERVER_CLIENTKEYFILE
  value: {{ printf "/var/run/stevedore/identity/%s.key" .component | quote }}
{{- end }}

{{/* The client's identity volume: the CA certificate and the component's own certificate and key, nothing else
of the CA Secret (the controllers add the CA key: they sign node client certificates). */}}
{{- define "stevedore.clientVolume" -}}
- name: identity
  secret:
    secretName: {{ include "stevedore.caSecretName" .root }}
    defaultMode: 0400
    items:
      - {key: ca.crt, path: ca.crt}
      - {key: {{ printf "%s.crt" .component }}, path: {{ printf "%s.crt" .component }}}
      - {key: {{ printf "%s.key" .component }}, path: {{ printf "%s.key" .component }}}
      {{- if eq .component "controllers" }}
      - {key: ca.key, path: ca.key}
      {{- end }}
{{- end }}

{{/* The component's client certificate (PEM cert and key, RSA), signed by the cluster CA: CN is the user the
gateway sees, O the groups. */}}
{{- define "stevedore.clientCertificate" -}}
{{- $cert := genSignedCert .cn nil nil (int .days) .ca -}}
{{ .name }}.crt: {{ $cert.Cert | b64enc }}
{{ .name }}.key: {{ $cert.Key | b64enc }}
{{- end }}

{{/* The Secret holding the cluster CA. */}}
{{- define "stevedore.caSecretName" -}}
{{- default (include "stevedore.componentName" (dict "root" . "component" "ca")) .Values.gateway.pki.existingSecret }}
{{- end }}
