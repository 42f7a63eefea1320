{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "cdc.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-qualified name prefix for every object. */}}
{{- define "cdc.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else if contains (include "cdc.name" .) .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "cdc.name" .) | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/*
A source or destination name as a Kubernetes name part: config names allow A-Z and _, object
names do not. Call with (dict "root" $ "name" NAME).
*/}}
{{- define "cdc.namePart" -}}
{{- .name | lower | replace "_" "-" | trunc 20 | trimSuffix "-" -}}
{{- end -}}

{{- define "cdc.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "cdc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component. Call with (dict "root" $ "component" C "instance" NAME). */}}
{{- define "cdc.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cdc.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{ include "cdc.componentLabels" . }}
{{- end -}}

{{/* The labels telling one component's pods apart (added to cdc.labels on its objects). */}}
{{- define "cdc.componentLabels" -}}
app.kubernetes.io/component: {{ .component }}
cdc.io/target: {{ .instance | lower | replace "_" "-" | trunc 63 | trimSuffix "-" | quote }}
{{- end -}}

{{- define "cdc.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "cdc.secretName" -}}
{{- default (printf "%s-credentials" (include "cdc.fullname" .)) .Values.existingSecret -}}
{{- end -}}

{{- define "cdc.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "cdc.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The applier replica count of a destination: appliers.<name>.replicaCount, else applier.replicaCount. */}}
{{- define "cdc.applierReplicas" -}}
{{- $override := get .root.Values.appliers .name | default dict -}}
{{- default .root.Values.applier.replicaCount $override.replicaCount -}}
{{- end -}}

{{/*
The pod spec shared by every service. Call with
(dict "root" $ "component" C "instance" NAME "args" LIST "resources" MAP).
*/}}
{{- define "cdc.podTemplate" -}}
{{- $root := .root -}}
metadata:
  labels:
    {{- include "cdc.labels" $root | nindent 4 }}
    {{- include "cdc.componentLabels" . | nindent 4 }}
  annotations:
    # A changed config or secret rolls the pods.
    checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    checksum/secret: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
    {{- with $root.Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "cdc.serviceAccountName" $root }}
  automountServiceAccountToken: false
  terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds }}
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    runAsNonRoot: true
    runAsUser: 1000
    runAsGroup: 1000
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: {{ .component }}
      image: {{ include "cdc.image" $root | quote }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      args:
        {{- toYaml .args | nindent 8 }}
      env:
        - name: CDC_HTTP_ADDR
          value: {{ printf "0.0.0.0:%d" (int $root.Values.httpPort) | quote }}
        - name: OTEL_SERVICE_NAME
          value: {{ printf "cdc-%s" .component | quote }}
        {{- if $root.Values.tracing.otlpEndpoint }}
        - name: OTEL_TRACES_EXPORTER
          value: otlp
        - name: OTEL_EXPORTER_OTLP_ENDPOINT
          value: {{ $root.Values.tracing.otlpEndpoint | quote }}
        {{- end }}
        {{- range $name, $value := $root.Values.env }}
        - name: {{ $name }}
          value: {{ $value | quote }}
        {{- end }}
      envFrom:
        - secretRef:
            name: {{ include "cdc.secretName" $root }}
      ports:
        - name: http
          containerPort: {{ $root.Values.httpPort }}
          protocol: TCP
      livenessProbe:
        httpGet:
          path: {{ $root.Values.probes.liveness.path }}
          port: http
        initialDelaySeconds: {{ $root.Values.probes.liveness.initialDelaySeconds }}
        periodSeconds: {{ $root.Values.probes.liveness.periodSeconds }}
        failureThreshold: {{ $root.Values.probes.liveness.failureThreshold }}
      readinessProbe:
        httpGet:
          path: {{ $root.Values.probes.readiness.path }}
          port: http
        initialDelaySeconds: {{ $root.Values.probes.readiness.initialDelaySeconds }}
        periodSeconds: {{ $root.Values.probes.readiness.periodSeconds }}
        failureThreshold: {{ $root.Values.probes.readiness.failureThreshold }}
      resources:
        {{- toYaml .resources | nindent 8 }}
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities:
          drop: [ALL]
      volumeMounts:
        - name: config
          mountPath: /etc/cdc
          readOnly: true
  volumes:
    - name: config
      configMap:
        name: {{ include "cdc.fullname" $root }}-config
  {{- with $root.Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $root.Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $root.Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
