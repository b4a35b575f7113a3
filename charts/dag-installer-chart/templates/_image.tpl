{{/* The DAG image: <registry>/<global.image>:<chart version of the parent chart>. */}}
{{- define "dag-installer.image" -}}
{{- $registry := .Values.global.custom_registry_url | default .Values.global.registry_url -}}
{{- printf "%s/%s:%s" $registry (required "global.image (the DAG image name) is required" .Values.global.image) .Chart.Version -}}
{{- end -}}
