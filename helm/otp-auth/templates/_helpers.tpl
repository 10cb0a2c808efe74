{{/*
Names and labels shared by every template.
*/}}

{{- define "otp-auth.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: <release>-<chart>, or the release name when it already contains the chart name. */}}
{{- define "otp-auth.fullname" -}}
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

{{- define "otp-auth.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels: name and instance only, because a Deployment's selector can never change. */}}
{{- define "otp-auth.selectorLabels" -}}
app.kubernetes.io/name: {{ include "otp-auth.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "otp-auth.labels" -}}
helm.sh/chart: {{ include "otp-auth.chart" . }}
{{ include "otp-auth.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: otp-auth
{{- end }}

{{/*
Labels of the pods that are not API pods (migration Job, helm test): a name
of their own, so the Service, the PDB and the spread constraints, which select
name+instance, never count them. Call with (dict "ctx" $ "component" "migrate").
*/}}
{{- define "otp-auth.auxLabels" -}}
{{- $ctx := .ctx -}}
helm.sh/chart: {{ include "otp-auth.chart" $ctx }}
app.kubernetes.io/name: {{ printf "%s-%s" (include "otp-auth.name" $ctx) .component | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ $ctx.Release.Name }}
app.kubernetes.io/version: {{ $ctx.Values.image.tag | default $ctx.Chart.AppVersion | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ $ctx.Release.Service }}
app.kubernetes.io/part-of: otp-auth
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* The worker pods' selector: name-worker and instance, so API selectors never count them. */}}
{{- define "otp-auth.workerSelectorLabels" -}}
app.kubernetes.io/name: {{ printf "%s-worker" (include "otp-auth.name" .) | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Every pod of the release (API, workers, migration, test): what the NetworkPolicy applies to. */}}
{{- define "otp-auth.releasePodLabels" -}}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: otp-auth
{{- end }}

{{- define "otp-auth.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "otp-auth.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "otp-auth.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/* The Secret the pods read: the user's existing one or the chart's. */}}
{{- define "otp-auth.secretName" -}}
{{- default (include "otp-auth.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/* The SMS providers in failover order: sms.backends, else sms.backend alone; comma-separated. */}}
{{- define "otp-auth.smsBackends" -}}
{{- join "," (.Values.sms.backends | default (list .Values.sms.backend)) }}
{{- end }}

{{/* Where the pods see sms.templates (a ConfigMap volume). */}}
{{- define "otp-auth.smsTemplatesDir" -}}
/etc/otp-auth/sms-templates
{{- end }}

{{/* sms.templates as ConfigMap data: one <locale>.json file per language. */}}
{{- define "otp-auth.smsTemplatesData" -}}
{{- range $locale, $template := .Values.sms.templates }}
{{ $locale }}.json: {{ toJson $template | quote }}
{{- end }}
{{- end }}

{{/*
Non-secret settings (ConfigMap data and the migration Job's env), as a YAML
map of environment variable name to string. APP_ENV is not a value: the chart
only deploys production. A provider's settings are rendered only when it is
one of the backends, and the ones it cannot work without are required.
*/}}
{{- define "otp-auth.configData" -}}
{{- $sms := .Values.sms }}
{{- $backends := include "otp-auth.smsBackends" . | splitList "," }}
{{- $data := dict "APP_ENV" "production" "SMS_BACKEND" (first $backends) "REDIS_KEY_PREFIX" .Values.redis.keyPrefix }}
{{- with $sms.backends }}{{ $_ := set $data "SMS_BACKENDS" (join "," .) }}{{ end }}
{{- if has "file" $backends }}
{{- $_ := set $data "SMS_OUTBOX_FILE" $sms.outboxFile }}
{{- end }}
{{- if has "twilio" $backends }}
{{- if not (or $sms.twilio.fromNumber $sms.twilio.messagingServiceSid) }}
{{- fail "sms.backend=twilio needs sms.twilio.fromNumber (E.164) or sms.twilio.messagingServiceSid" }}
{{- end }}
{{- with $sms.twilio.fromNumber }}{{ $_ := set $data "TWILIO_FROM_NUMBER" . }}{{ end }}
{{- with $sms.twilio.messagingServiceSid }}{{ $_ := set $data "TWILIO_MESSAGING_SERVICE_SID" . }}{{ end }}
{{- end }}
{{- if has "sns" $backends }}
{{- /* Required here, not left to AWS_REGION: the migration Job runs without the pods' cloud identity. */}}
{{- $_ := set $data "SNS_REGION" (required "sms.sns.region is required with the sns backend, e.g. us-east-1" $sms.sns.region) }}
{{- $_ := set $data "SNS_SMS_TYPE" $sms.sns.smsType }}
{{- with $sms.sns.endpointUrl }}{{ $_ := set $data "SNS_ENDPOINT_URL" . }}{{ end }}
{{- with $sms.sns.senderId }}{{ $_ := set $data "SNS_SENDER_ID" . }}{{ end }}
{{- with $sms.sns.originationNumber }}{{ $_ := set $data "SNS_ORIGINATION_NUMBER" . }}{{ end }}
{{- end }}
{{- if has "webhook" $backends }}
{{- $_ := set $data "SMS_WEBHOOK_URL" (required "sms.webhook.url is required with the webhook backend: the https:// URL of your SMS gateway" $sms.webhook.url) }}
{{- end }}
{{- with $sms.routes }}
{{- $routes := list }}
{{- range $prefix, $backend := . }}
{{- if not (has $backend $backends) }}
{{- fail (printf "sms.routes sends %s to %s, which is not one of sms.backends (%s)" $prefix $backend (join "," $backends)) }}
{{- end }}
{{- $routes = append $routes (printf "%s=%s" $prefix $backend) }}
{{- end }}
{{- $_ := set $data "SMS_ROUTES" (join "," $routes) }}
{{- end }}
{{- if $sms.templates }}
{{- $_ := set $data "SMS_TEMPLATES_DIR" (include "otp-auth.smsTemplatesDir" .) }}
{{- end }}
{{- $email := .Values.email }}
{{- $_ := set $data "EMAIL_BACKEND" $email.backend }}
{{- $_ := set $data "EMAIL_OUTBOX_FILE" $email.outboxFile }}
{{- if eq $email.backend "smtp" }}
{{- $_ := set $data "SMTP_HOST" (required "email.smtp.host is required with email.backend=smtp" $email.smtp.host) }}
{{- $_ := set $data "EMAIL_FROM" (required "email.from is required with email.backend=smtp, e.g. otp-auth <no-reply@example.com>" $email.from) }}
{{- $_ := set $data "SMTP_PORT" (toString $email.smtp.port) }}
{{- $_ := set $data "SMTP_TLS" $email.smtp.tls }}
{{- end }}
{{- with .Values.redis.sentinel.hosts }}
{{- $_ := set $data "REDIS_SENTINELS" (join "," .) }}
{{- $_ := set $data "REDIS_SENTINEL_MASTER" $.Values.redis.sentinel.masterName }}
{{- end }}
{{- $jwt := .Values.jwt }}
{{- $_ := set $data "ACCESS_TOKEN_FORMAT" $jwt.accessTokenFormat }}
{{- with $jwt.issuer }}{{ $_ := set $data "JWT_ISSUER" . }}{{ end }}
{{- with $jwt.audience }}{{ $_ := set $data "JWT_AUDIENCE" . }}{{ end }}
{{- $_ := set $data "JWKS_MAX_AGE_SECONDS" (toString $jwt.jwksMaxAgeSeconds) }}
{{- $_ := set $data "AUTH_CHECK_FORWARD_JWT" (toString $jwt.authCheck.forwardJwt) }}
{{- $_ := set $data "AUTH_CHECK_JWT_HEADER" $jwt.authCheck.header }}
{{- $_ := set $data "AUTH_CHECK_JWT_TTL_SECONDS" (toString $jwt.authCheck.ttlSeconds) }}
{{- /* The event workers run in their own Deployment, or else inside the API pods. */}}
{{- $_ := set $data "EVENTS_DRAIN_IN_PROCESS" (ternary "false" "true" .Values.worker.enabled) }}
{{- $_ := set $data "EVENTS_WORKER_PORT" (toString .Values.worker.port) }}
{{- range $key, $value := .Values.config }}
{{- $_ := set $data $key (toString $value) }}
{{- end }}
{{- /* A send that outlives gunicorn's worker timeout gets its worker killed mid-request. */}}
{{- if ge (float64 (get $data "SMS_TOTAL_TIMEOUT_SECONDS" | default "10")) (float64 .Values.gunicorn.timeout) }}
{{- fail "config.SMS_TOTAL_TIMEOUT_SECONDS (10 when unset) must be less than gunicorn.timeout, or a slow SMS send gets its worker killed" }}
{{- end }}
{{- toYaml $data }}
{{- end }}

{{/*
The chart's Secret data (plain text; the Secret template encodes it). Fails
with a message naming the value when a required one is missing.
*/}}
{{- define "otp-auth.secretData" -}}
{{- $s := .Values.secrets }}
{{- $data := dict }}
{{- $_ := set $data "SECRET_KEY" (include "otp-auth.secretKey" .) }}
{{- $_ := set $data "DATABASE_URL" (required "secrets.databaseUrl is required: the PostgreSQL URL, e.g. postgresql://otp:password@postgres:5432/otp (or put DATABASE_URL in secrets.existingSecret)" $s.databaseUrl) }}
{{- if .Values.redis.sentinel.hosts }}
{{- with $s.redisUrl }}{{ $_ := set $data "REDIS_URL" . }}{{ end }}
{{- else }}
{{- $_ := set $data "REDIS_URL" (required "secrets.redisUrl is required: e.g. redis://:password@redis-master:6379/0 (or set redis.sentinel.hosts, or put REDIS_URL in secrets.existingSecret)" $s.redisUrl) }}
{{- end }}
{{- with $s.redisSentinelPassword }}{{ $_ := set $data "REDIS_SENTINEL_PASSWORD" . }}{{ end }}
{{- $backends := include "otp-auth.smsBackends" . | splitList "," }}
{{- if has "twilio" $backends }}
{{- $_ := set $data "TWILIO_ACCOUNT_SID" (required "secrets.twilioAccountSid is required with sms.backend=twilio (or put TWILIO_ACCOUNT_SID in secrets.existingSecret)" $s.twilioAccountSid) }}
{{- $_ := set $data "TWILIO_AUTH_TOKEN" (required "secrets.twilioAuthToken is required with sms.backend=twilio (or put TWILIO_AUTH_TOKEN in secrets.existingSecret)" $s.twilioAuthToken) }}
{{- end }}
{{- if has "webhook" $backends }}
{{- $_ := set $data "SMS_WEBHOOK_SECRET" (required "secrets.smsWebhookSecret is required with the webhook backend: 32+ random characters your gateway checks signatures with (or put SMS_WEBHOOK_SECRET in secrets.existingSecret)" $s.smsWebhookSecret) }}
{{- end }}
{{- if .Values.config.EVENT_WEBHOOK_URL }}
{{- $_ := set $data "EVENT_WEBHOOK_SECRET" (required "secrets.eventWebhookSecret is required with config.EVENT_WEBHOOK_URL: whsec_ followed by the base64 of 32 random bytes (or put EVENT_WEBHOOK_SECRET in secrets.existingSecret)" $s.eventWebhookSecret) }}
{{- end }}
{{- if .Values.config.CAPTCHA_PROVIDER }}
{{- $_ := set $data "CAPTCHA_SECRET" (required "secrets.captchaSecret is required with config.CAPTCHA_PROVIDER: the provider's secret key (or put CAPTCHA_SECRET in secrets.existingSecret)" $s.captchaSecret) }}
{{- end }}
{{- with $s.testPhoneNumbers }}{{ $_ := set $data "TEST_PHONE_NUMBERS" . }}{{ end }}
{{- with $s.smtpUsername }}{{ $_ := set $data "SMTP_USERNAME" . }}{{ end }}
{{- with $s.smtpPassword }}{{ $_ := set $data "SMTP_PASSWORD" . }}{{ end }}
{{- with $s.secretKeyFallbacks }}{{ $_ := set $data "SECRET_KEY_FALLBACKS" . }}{{ end }}
{{- if or (eq .Values.jwt.accessTokenFormat "jwt") .Values.jwt.authCheck.forwardJwt }}
{{- $_ := set $data "JWT_SIGNING_KEYS" (required "secrets.jwtSigningKeys is required with jwt.accessTokenFormat=jwt or jwt.authCheck.forwardJwt: PEM private keys, e.g. from openssl genpkey -algorithm ed25519 (or put JWT_SIGNING_KEYS in secrets.existingSecret)" $s.jwtSigningKeys) }}
{{- else }}
{{- with $s.jwtSigningKeys }}{{ $_ := set $data "JWT_SIGNING_KEYS" . }}{{ end }}
{{- end }}
{{- toYaml $data }}
{{- end }}

{{/*
SECRET_KEY: the value given, else the one already in the cluster (so an
upgrade never signs everybody out), else a new random one.
*/}}
{{- define "otp-auth.secretKey" -}}
{{- $given := .Values.secrets.secretKey }}
{{- if $given }}
{{- if lt (len $given) 32 }}
{{- fail "secrets.secretKey must be at least 32 characters (e.g. the output of: openssl rand -base64 48)" }}
{{- end }}
{{- $given }}
{{- else }}
{{- if not .Values.secrets.generateSecretKey }}
{{- required "secrets.secretKey is required when secrets.generateSecretKey=false: 32+ random characters, e.g. openssl rand -base64 48 (or put SECRET_KEY in secrets.existingSecret)" "" }}
{{- end }}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "otp-auth.fullname" .) }}
{{- if and $existing $existing.data (hasKey $existing.data "SECRET_KEY") }}
{{- index $existing.data "SECRET_KEY" | b64dec }}
{{- else }}
{{- randAlphaNum 64 }}
{{- end }}
{{- end }}
{{- end }}

{{/* The container's environment: ConfigMap + Secret + gunicorn sizing. */}}
{{- define "otp-auth.gunicornEnv" -}}
- name: GUNICORN_WORKERS
  value: {{ .Values.gunicorn.workers | quote }}
- name: GUNICORN_THREADS
  value: {{ .Values.gunicorn.threads | quote }}
- name: GUNICORN_TIMEOUT
  value: {{ .Values.gunicorn.timeout | quote }}
- name: GUNICORN_GRACEFUL_TIMEOUT
  value: {{ .Values.gunicorn.gracefulTimeout | quote }}
- name: GUNICORN_KEEPALIVE
  value: {{ .Values.gunicorn.keepalive | quote }}
- name: GUNICORN_REQUEST_READ_TIMEOUT
  value: {{ .Values.gunicorn.requestReadTimeout | quote }}
{{- end }}

{{/* The writable /tmp every container of the chart gets (the root filesystem is read-only). */}}
{{- define "otp-auth.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end }}

{{- define "otp-auth.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end }}

{{/*
The sms.templates files, read-only, through the ConfigMap named configMap
(the chart's own, or the migration hook's copy). Used when sms.templates is set.
*/}}
{{- define "otp-auth.smsTemplatesVolumeMount" -}}
- name: sms-templates
  mountPath: {{ include "otp-auth.smsTemplatesDir" . }}
  readOnly: true
{{- end }}

{{- define "otp-auth.smsTemplatesVolume" -}}
- name: sms-templates
  configMap:
    name: {{ . }}
{{- end }}

{{/*
The paths a host without its own list gets (issue 20): the API and the web
login page; docs, metrics and probes only when ingress.expose asks for them.
Rendered as YAML ({paths: [...]}) for fromYaml.
*/}}
{{- define "otp-auth.ingressDefaultPaths" -}}
{{- $login := "/login" -}}
{{- if hasKey .Values.config "WEB_LOGIN_PATH" }}{{ $login = .Values.config.WEB_LOGIN_PATH }}{{ end -}}
{{- $expose := .Values.ingress.expose | default dict -}}
paths:
  - {path: /api, pathType: Prefix}
{{- with $login }}
  - {path: {{ . | quote }}, pathType: Exact}
{{- end }}
{{- if $expose.docs }}
  - {path: /docs, pathType: Prefix}
  - {path: /openapi.yaml, pathType: Exact}
{{- end }}
{{- if $expose.metrics }}
  - {path: /metrics, pathType: Exact}
{{- end }}
{{- if $expose.probes }}
  - {path: /healthz, pathType: Exact}
  - {path: /readyz, pathType: Exact}
{{- end }}
{{- end }}
