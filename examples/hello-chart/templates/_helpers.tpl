{{- define "hello.name" -}}{{ .Release.Name }}-{{ .Chart.Name }}{{- end }}
{{- define "hello.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
